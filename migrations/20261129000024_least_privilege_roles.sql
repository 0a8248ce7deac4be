-- Least privilege (README, "Database roles"). Three roles, made once per cluster by
-- scripts/db-roles.sql:
--   * the owner (whoever runs these migrations) owns the tables;
--   * anrufe_app, the runtime role of the server and the importer, reads and writes the data
--     but may only insert into and read the audit trail;
--   * anrufe_audit owns the two functions that may remove or blank audit rows (retention and
--     erasure) and runs them as SECURITY DEFINER; only anrufe_app may call them.
-- Before, the exceptions were a setting (`anrufe.audit_retention`) any session could switch on.

do $$
begin
    if not exists (select from pg_roles where rolname = 'anrufe_app')
        or not exists (select from pg_roles where rolname = 'anrufe_audit') then
        raise exception 'the database roles anrufe_app and anrufe_audit do not exist'
            using hint = 'Run scripts/db-roles.sql once as a superuser (README, "Database roles").';
    end if;
end
$$;

grant usage on schema public to anrufe_app, anrufe_audit;
grant select, insert, update, delete on all tables in schema public to anrufe_app;
grant usage, select on all sequences in schema public to anrufe_app;
revoke update, delete, truncate on actions_audit from anrufe_app;
-- The runtime reads which migrations ran (to refuse a schema behind its code), nothing more.
do $$
begin
    if to_regclass('_sqlx_migrations') is not null then
        revoke insert, update, delete, truncate on _sqlx_migrations from anrufe_app;
    end if;
end
$$;
-- Tables of later migrations are the runtime's to use too; the audit trail stays the exception.
alter default privileges in schema public
    grant select, insert, update, delete on tables to anrufe_app;
alter default privileges in schema public grant usage, select on sequences to anrufe_app;

grant select, insert, delete on actions_audit to anrufe_audit;
grant update (diff, diff_erased_at) on actions_audit to anrufe_audit;

-- Only anrufe_audit, i.e. the two functions below, may delete a row or blank a diff.
create or replace function actions_audit_refuse_change() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'DELETE' and current_user = 'anrufe_audit' then
        return old;
    end if;
    if tg_op = 'UPDATE' and current_user = 'anrufe_audit'
        and new.diff = '{"erased": true}'::jsonb and new.diff_erased_at is not null
        and (new.id, new.call_id, new.action_type, new.actor_kind, new.actor_id, new.occurred_at,
             new.chain_position, new.diff_digest, new.prev_hash, new.row_hash)
            is not distinct from
            (old.id, old.call_id, old.action_type, old.actor_kind, old.actor_id, old.occurred_at,
             old.chain_position, old.diff_digest, old.prev_hash, old.row_hash)
    then
        return new;
    end if;
    raise exception 'audit rows cannot be changed (%)', tg_op
        using hint = 'Old audit rows are removed only by actions_audit_prune(older_than); '
                     'a call''s diffs are erased only by actions_audit_erase_diffs(call).';
end
$$;

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
        (select max(chain_position) + 1 from actions_audit))
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

create or replace function actions_audit_erase_diffs(call bigint) returns bigint
language plpgsql
security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
    erased bigint;
begin
    update actions_audit
       set diff = '{"erased": true}', diff_erased_at = now()
     where call_id = call and diff_erased_at is null and action_type <> 'diffs_erased';
    get diagnostics erased = row_count;
    insert into actions_audit (call_id, action_type, actor_kind, diff)
    values (call, 'diffs_erased', 'system', jsonb_build_object('rows', erased));
    return erased;
end
$$;

-- A new owner needs the right to create in the schema at the moment of the change only.
grant create on schema public to anrufe_audit;
alter function actions_audit_prune(timestamptz) owner to anrufe_audit;
alter function actions_audit_erase_diffs(bigint) owner to anrufe_audit;
revoke create on schema public from anrufe_audit;
revoke execute on function actions_audit_prune(timestamptz) from public;
revoke execute on function actions_audit_erase_diffs(bigint) from public;
grant execute on function actions_audit_prune(timestamptz) to anrufe_app;
grant execute on function actions_audit_erase_diffs(bigint) to anrufe_app;
