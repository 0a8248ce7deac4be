-- Status history: one row per change of calls.status.
create table call_status (
    id bigint generated always as identity constraint call_status_pkey primary key,
    call_id bigint not null constraint call_status_call_id_fkey references calls (id) on delete cascade,
    status call_state not null,
    changed_by bigint constraint call_status_changed_by_fkey references users (id) on delete set null,
    changed_at timestamptz not null default now(),
    comment text
);

create index call_status_call_id_idx on call_status (call_id, changed_at);
