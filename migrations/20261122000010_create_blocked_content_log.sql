-- Events refused by compliance rules, for the data protection officer. Holds where the
-- event came from and why it was refused, never its content (that stays in dead_letters,
-- which retention deletes).
create table blocked_content_log (
    id bigint generated always as identity constraint blocked_content_log_pkey primary key,
    occurred_at timestamptz not null default now(),
    source text not null,
    reason text not null,
    file_name text not null,
    line_number bigint not null
);

create index blocked_content_log_occurred_at_idx on blocked_content_log (occurred_at);
