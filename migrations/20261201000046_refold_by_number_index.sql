-- The repeat-caller fold (migration 42) for many numbers at once: a purge hour of a practice
-- group, the window setting refolding every open call, an import after a backlog.
-- * For `caller_number = any(<thousands of numbers>)` the planner chose a bitmap scan of the
--   trigram index on the number, which compares every number's trigrams: 20 000 numbers among
--   1 M open calls took 208 s. The fold looks numbers up by equality only, which the b-tree
--   indexes serve, so it plans without bitmap scans: 1.8 s.
-- * The window comes from a variable instead of a cross join with `repeat_settings`, which the
--   planner (never having analysed the one-row table) took for 1 660 rows and so expected 35 M
--   rows to fold: 0.7 s.
create or replace function refold_calls(numbers text[]) returns integer
language plpgsql
set enable_bitmapscan = off
as $$
declare
    changed integer;
    fold_window integer;
begin
    select s.window_minutes into fold_window from repeat_settings s;
    perform set_config('anrufe.refolding', 'on', true);
    with open_calls as (
        select c.id, c.caller_number, c.source, c.received_at,
               c.received_at - lag(c.received_at) over (
                   partition by c.caller_number, c.source order by c.received_at, c.id
               ) as gap
          from calls c
         where c.caller_number = any(numbers)
           and c.status <> 'DONE' and c.restricted_at is null
           and c.received_at >= call_retention_cutoff()
    ),
    starts as (
        select o.*, sum(case when o.gap is null or fold_window = 0
                                  or o.gap > make_interval(mins => fold_window)
                             then 1 else 0 end)
                    over (partition by o.caller_number, o.source order by o.received_at, o.id) as run
          from open_calls o
    ),
    runs as (
        select id,
               first_value(id) over (partition by caller_number, source, run
                                     order by received_at desc, id desc) as newest,
               count(*) over (partition by caller_number, source, run) as n
          from starts
    ),
    unfolded as (
        update calls c set folded_into = null, repeats = 1
         where c.caller_number = any(numbers)
           and (c.folded_into is not null or c.repeats <> 1)
           and not (c.status <> 'DONE' and c.restricted_at is null
                    and c.received_at >= call_retention_cutoff())
        returning 1
    ),
    folded as (
        update calls c
           set folded_into = nullif(r.newest, r.id),
               repeats = case when r.newest = r.id then r.n::integer else 1 end
          from runs r
         where c.id = r.id
           and (c.folded_into is distinct from nullif(r.newest, r.id)
                or c.repeats <> case when r.newest = r.id then r.n::integer else 1 end)
        returning 1
    )
    select (select count(*) from unfolded) + (select count(*) from folded) into changed;
    perform set_config('anrufe.refolding', '', true);
    return changed;
end
$$;
