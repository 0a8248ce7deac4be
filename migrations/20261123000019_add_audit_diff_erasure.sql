-- Erasure of personal data from the audit trail (see README, "Audit trail").
--
-- Diffs may hold a caller's personal data (an importer edit's old and new name, a note's text).
-- When a call is erased, `actions_audit_erase_diffs(call)` replaces the diffs of that call's
-- audit rows with `{"erased": true}` and stamps `diff_erased_at`. Who did what, when and to
-- which call stays. The chain hashes each diff's digest, not the diff, and the digest is kept,
-- so the chain still verifies; verification accepts an erased row only with exactly that diff.
-- The erasure itself is recorded as a `diffs_erased` row with the number of rows erased.

alter table actions_audit add column diff_erased_at timestamptz;

create or replace function actions_audit_refuse_change() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'DELETE' and current_setting('anrufe.audit_retention', true) = 'on' then
        return old;
    end if;
    if tg_op = 'UPDATE' and current_setting('anrufe.audit_erasure', true) = 'on'
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

-- Erases the diffs of every audit row of one call and returns how many it erased.
create function actions_audit_erase_diffs(call bigint) returns bigint
language plpgsql
as $$
declare
    erased bigint;
begin
    perform set_config('anrufe.audit_erasure', 'on', true);
    update actions_audit
       set diff = '{"erased": true}', diff_erased_at = now()
     where call_id = call and diff_erased_at is null and action_type <> 'diffs_erased';
    get diagnostics erased = row_count;
    perform set_config('anrufe.audit_erasure', 'off', true);
    insert into actions_audit (call_id, action_type, actor_kind, diff)
    values (call, 'diffs_erased', 'system', jsonb_build_object('rows', erased));
    return erased;
end
$$;
