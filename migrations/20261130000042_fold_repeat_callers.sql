-- Repeat callers (issue 20): the open calls from one number and source, each within the window
-- of the one before, show on the desk as one row — the newest, with how many they are
-- (`app/src/repeat`). The triggers below keep the fold for every change that can alter it
-- (a new call, a status, a restriction, an erasure, the purge), so no path can forget it.
create table repeat_settings (
    singleton boolean primary key default true constraint repeat_settings_singleton check (singleton),
    -- 0 folds nothing.
    window_minutes integer not null default 240
        constraint repeat_settings_window check (window_minutes between 0 and 1440),
    updated_by bigint constraint repeat_settings_updated_by_fkey references users (id) on delete set null,
    updated_at timestamptz not null default now()
);
insert into repeat_settings default values;

alter table calls
    -- The newest open call of the run this open call shows under; null for a row of its own.
    add column folded_into bigint,
    -- On a run's newest call, how many calls the run has (itself included); 1 otherwise.
    add column repeats integer not null default 1;
-- The run a call shows under (the drawer, closing a run).
create index calls_folded_into_idx on calls (folded_into) where folded_into is not null;
-- Folding looks calls up by number: the open ones, and those still marked from a fold.
create index calls_open_number_idx on calls (caller_number, source, received_at)
    where status <> 'DONE' and restricted_at is null;
create index calls_fold_marked_idx on calls (caller_number)
    where folded_into is not null or repeats <> 1;

-- Folds again the calls of the given numbers, from every source: the open ones into runs, the
-- others out of any; answers how many calls it changed. While it runs, the setting
-- `anrufe.refolding` tells the trigger below that these updates are the fold's own. The
-- numbers are matched with `= any`, never joined: a join with a few numbers estimated where a
-- large update brought 920 000 became a nested loop that ran for many minutes.
create function refold_calls(numbers text[]) returns integer
language plpgsql as $$
declare
    changed integer;
begin
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
        select o.*, sum(case when o.gap is null or s.window_minutes = 0
                                  or o.gap > make_interval(mins => s.window_minutes)
                             then 1 else 0 end)
                    over (partition by o.caller_number, o.source order by o.received_at, o.id) as run
          from open_calls o cross join repeat_settings s
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

-- Refolds the numbers of the calls a statement inserted, changed or deleted, once per
-- statement. The fold's own updates are left alone, whether this trigger or anyone else called
-- it, which is also what ends the recursion.
create function calls_refold() returns trigger language plpgsql as $$
declare
    numbers text[];
begin
    if current_setting('anrufe.refolding', true) = 'on' then
        return null;
    end if;
    if tg_op = 'INSERT' then
        select array_agg(distinct caller_number) into numbers
          from new_calls where caller_number is not null;
    elsif tg_op = 'DELETE' then
        select array_agg(distinct caller_number) into numbers
          from old_calls where caller_number is not null;
    else
        select array_agg(k.caller_number) into numbers
          from (select caller_number from old_calls
                union
                select caller_number from new_calls) k
         where k.caller_number is not null;
    end if;
    if numbers is not null then
        perform refold_calls(numbers);
    end if;
    return null;
end
$$;

create trigger calls_refold_insert after insert on calls
    referencing new table as new_calls for each statement execute function calls_refold();
create trigger calls_refold_update after update on calls
    referencing old table as old_calls new table as new_calls
    for each statement execute function calls_refold();
create trigger calls_refold_delete after delete on calls
    referencing old table as old_calls for each statement execute function calls_refold();

select refold_calls(array_agg(distinct caller_number))
  from calls where status <> 'DONE' and caller_number is not null;
