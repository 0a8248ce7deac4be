-- Lines the importer could not store as calls, with where they came from and why.
create table dead_letters (
    id bigint generated always as identity constraint dead_letters_pkey primary key,
    file_name text not null,
    line_number bigint not null,
    byte_offset bigint not null,
    reason text not null constraint dead_letters_reason_valid check (reason in (
        'invalid_utf8', 'invalid_json', 'not_an_object', 'line_too_long', 'missing_received_at',
        'invalid_received_at', 'missing_caller', 'invalid_phone', 'invalid_field_type',
        'source_not_allowed')),
    detail text not null,
    -- The line as read, cut at 16 KiB (raw_truncated says so); bytes, since it may not be UTF-8.
    raw_line bytea not null,
    raw_truncated boolean not null default false,
    created_at timestamptz not null default now()
);

create index dead_letters_created_at_idx on dead_letters (created_at);
create index dead_letters_reason_idx on dead_letters (reason);
