-- Tamper evidence for the audit trail (see README, "Audit trail").
--
-- Every row gets a place in one chain and a SHA-256 over its content and the previous row's
-- hash, so an edited, deleted or reordered row breaks the chain; `server audit verify` finds
-- the first broken row. The hash covers a digest of `diff`, not `diff` itself: personal data an
-- erasure must remove may live there, and removing it must not break the chain.
--
-- Rows cannot be updated, deleted or truncated; the one exception is
-- `actions_audit_prune(older_than)`, the retention path, which removes a prefix of the chain and
-- records in the chain itself where the remaining rows begin.

-- Audit rows outlive the calls they name: a reference, no foreign key.
alter table actions_audit drop constraint actions_audit_call_id_fkey;

alter table actions_audit
    add column chain_position bigint,
    add column diff_digest bytea,
    add column prev_hash bytea,
    add column row_hash bytea,
    add constraint actions_audit_action_type_valid check (action_type ~ '^[a-z_]+$');

create function actions_audit_row_hash(
    chain_position bigint,
    occurred_at timestamptz,
    call_id bigint,
    action_type text,
    actor_kind text,
    actor_id bigint,
    diff_digest bytea,
    prev_hash bytea
) returns bytea
language sql immutable
as $$
    select sha256(convert_to(concat_ws('|',
        'anrufe-audit-v1',
        chain_position::text,
        ((extract(epoch from occurred_at) * 1000000)::bigint)::text,
        coalesce(call_id::text, ''),
        action_type,
        actor_kind,
        coalesce(actor_id::text, ''),
        encode(diff_digest, 'hex'),
        coalesce(encode(prev_hash, 'hex'), '')
    ), 'UTF8'))
$$;

-- The rows written so far, chained in the order they were written.
do $$
declare
    audit record;
    previous bytea;
    position bigint := 0;
    digest bytea;
begin
    for audit in select * from actions_audit order by id loop
        position := position + 1;
        digest := sha256(convert_to(audit.diff::text, 'UTF8'));
        update actions_audit
           set chain_position = position,
               diff_digest = digest,
               prev_hash = previous,
               row_hash = actions_audit_row_hash(position, audit.occurred_at, audit.call_id,
                   audit.action_type, audit.actor_kind, audit.actor_id, digest, previous)
         where id = audit.id
        returning row_hash into previous;
    end loop;
end
$$;

alter table actions_audit
    alter column chain_position set not null,
    alter column diff_digest set not null,
    alter column row_hash set not null,
    add constraint actions_audit_chain_position_key unique (chain_position);

create function actions_audit_chain() returns trigger
language plpgsql
as $$
declare
    last record;
begin
    -- One writer at a time until commit, so the chain follows the order of commits.
    perform pg_advisory_xact_lock(hashtext('actions_audit_chain'));
    select chain_position, row_hash into last
      from actions_audit order by chain_position desc limit 1;
    new.chain_position := coalesce(last.chain_position, 0) + 1;
    new.prev_hash := last.row_hash;
    new.diff_digest := sha256(convert_to(new.diff::text, 'UTF8'));
    new.row_hash := actions_audit_row_hash(new.chain_position, new.occurred_at, new.call_id,
        new.action_type, new.actor_kind, new.actor_id, new.diff_digest, new.prev_hash);
    return new;
end
$$;

create trigger actions_audit_chain before insert on actions_audit
    for each row execute function actions_audit_chain();

create function actions_audit_refuse_change() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'DELETE' and current_setting('anrufe.audit_retention', true) = 'on' then
        return old;
    end if;
    raise exception 'audit rows cannot be changed (%)', tg_op
        using hint = 'Old audit rows are removed only by actions_audit_prune(older_than).';
end
$$;

create trigger actions_audit_refuse_change before update or delete on actions_audit
    for each row execute function actions_audit_refuse_change();
create trigger actions_audit_refuse_truncate before truncate on actions_audit
    for each statement execute function actions_audit_refuse_change();

-- The retention path: removes the oldest rows up to the first one written at or after
-- `older_than`, and adds an `audit_pruned` row naming the last removed position and its hash,
-- which is where verification of the remaining chain starts. Returns the number removed.
create function actions_audit_prune(older_than timestamptz) returns bigint
language plpgsql
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
    perform set_config('anrufe.audit_retention', 'on', true);
    delete from actions_audit where chain_position <= last_removed.chain_position;
    get diagnostics removed = row_count;
    perform set_config('anrufe.audit_retention', 'off', true);
    insert into actions_audit (action_type, actor_kind, diff)
    values ('audit_pruned', 'system', jsonb_build_object(
        'through_position', last_removed.chain_position,
        'anchor_hash', encode(last_removed.row_hash, 'hex'),
        'removed', removed));
    return removed;
end
$$;
