-- Every action on a call, attributable to a user or to the importer.
create table actions_audit (
    id bigint generated always as identity constraint actions_audit_pkey primary key,
    call_id bigint constraint actions_audit_call_id_fkey references calls (id) on delete cascade,
    action_type text not null,
    actor_kind text not null constraint actions_audit_actor_kind_valid
        check (actor_kind in ('user', 'importer', 'system')),
    actor_id bigint constraint actions_audit_actor_id_fkey references users (id) on delete set null,
    occurred_at timestamptz not null default now(),
    diff jsonb not null default '{}',
    constraint actions_audit_user_has_actor check (actor_kind <> 'user' or actor_id is not null)
);

create index actions_audit_call_id_idx on actions_audit (call_id, occurred_at);
create index actions_audit_occurred_at_idx on actions_audit (occurred_at);
