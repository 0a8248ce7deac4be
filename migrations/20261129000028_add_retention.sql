-- Retention (README, "Retention"): calls older than the retention period are hidden from every
-- read and deleted by the nightly purge, which keeps anonymous aggregates and proof of each run.

-- The retention period in days: the server and the importer set `anrufe.retention_days` on
-- each connection (RETENTION_DAYS); without it the policy's maximum of 30 applies.
create function retention_days() returns integer
language sql stable
as $$
    select coalesce(nullif(current_setting('anrufe.retention_days', true), '')::integer, 30)
$$;

-- The oldest `received_at` a call may have: the period back, rounded up to the next full UTC
-- hour, so that a call is kept at least the period less one hour and never longer, and an
-- hour's calls leave together (their aggregates are then exact).
create function call_retention_cutoff() returns timestamptz
language sql stable
as $$
    select date_trunc('hour', now() - make_interval(days => retention_days()), 'UTC')
        + interval '1 hour'
$$;

-- One row per run of the purge, the proof the data-protection officer shows (seed 000 §15.7).
-- A run killed half-way stays `running` until the next run marks it `interrupted`; its counts
-- are exact, since each batch updates them in the transaction that deletes.
create table purge_runs (
    id bigint generated always as identity constraint purge_runs_pkey primary key,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    trigger text not null constraint purge_runs_trigger_valid
        check (trigger in ('schedule', 'start', 'command')),
    dry_run boolean not null,
    retention_days integer not null constraint purge_runs_retention_days_valid
        check (retention_days between 1 and 30),
    cutoff timestamptz not null,
    counts jsonb not null default '{}',
    outcome text not null default 'running' constraint purge_runs_outcome_valid
        check (outcome in ('running', 'ok', 'failed', 'interrupted')),
    error text
);

create index purge_runs_started_at_idx on purge_runs (started_at desc);

-- Anonymous aggregates of purged calls (seed 000 §15.5), written in the transaction that
-- deletes the hour's calls: no personal field, nothing that names or numbers a caller.
create table daily_stats (
    hour_start timestamptz not null,
    source text not null,
    category text not null,
    priority call_priority not null,
    calls integer not null constraint daily_stats_calls_positive check (calls > 0),
    done integer not null constraint daily_stats_done_valid check (done between 0 and calls),
    median_seconds_to_done integer,
    p90_seconds_to_done integer,
    constraint daily_stats_pkey primary key (hour_start, source, category, priority)
);

-- The purge erases the audit diffs of a batch of calls at once and records one row for them.
grant create on schema public to anrufe_audit;

create function actions_audit_erase_diffs_of(calls bigint[], why text) returns bigint
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
    erased bigint;
begin
    update actions_audit
       set diff = '{"erased": true}', diff_erased_at = now()
     where call_id = any(calls) and diff_erased_at is null and action_type <> 'diffs_erased';
    get diagnostics erased = row_count;
    insert into actions_audit (action_type, actor_kind, diff)
    values ('diffs_erased', 'system', jsonb_build_object(
        'calls', cardinality(calls), 'rows', erased, 'reason', why));
    return erased;
end
$$;

-- Pruning keeps the newest row, so the chain's positions go on and the anchors written
-- outside the database still find their place in it.
create or replace function actions_audit_prune(older_than timestamptz) returns bigint
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
    last_removed record;
    removed bigint;
begin
    perform pg_advisory_xact_lock(hashtext('actions_audit_chain'));
    select chain_position, row_hash into last_removed
      from actions_audit
     where chain_position < coalesce(
        (select min(chain_position) from actions_audit where occurred_at >= older_than),
        (select max(chain_position) from actions_audit))
     order by chain_position desc
     limit 1;
    if not found then
        return 0;
    end if;
    delete from actions_audit where chain_position <= last_removed.chain_position;
    get diagnostics removed = row_count;
    insert into actions_audit (action_type, actor_kind, diff)
    values ('audit_pruned', 'system', jsonb_build_object(
        'through_position', last_removed.chain_position,
        'anchor_hash', encode(last_removed.row_hash, 'hex'),
        'removed', removed));
    return removed;
end
$$;

alter function actions_audit_erase_diffs_of(bigint[], text) owner to anrufe_audit;

-- Fresh planner statistics after a purge: ANALYZE needs the tables' owner, so the runtime role
-- calls it through this function, which can do nothing else.
create function retention_analyze() returns void
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
    analyze calls, call_status, notes, pii_reveals, actions_audit, dead_letters,
        blocked_content_log;
end
$$;

revoke execute on function retention_analyze() from public;
grant execute on function retention_analyze() to anrufe_app;
revoke create on schema public from anrufe_audit;
revoke execute on function actions_audit_erase_diffs_of(bigint[], text) from public;
grant execute on function actions_audit_erase_diffs_of(bigint[], text) to anrufe_app;
