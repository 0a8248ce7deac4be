create type call_state as enum ('NEW', 'IN_PROGRESS', 'DONE');
create type call_priority as enum ('low', 'normal', 'high', 'urgent');

create table calls (
    id bigint generated always as identity constraint calls_pkey primary key,
    event_id text not null constraint calls_event_id_key unique,
    received_at timestamptz not null,
    -- E.164 (+4930…); null for an anonymous caller.
    caller_number text,
    caller_name text,
    date_of_birth date,
    topic text,
    priority call_priority not null default 'normal',
    source text not null default 'phone',
    status call_state not null default 'NEW',
    assignee_id bigint constraint calls_assignee_id_fkey references users (id) on delete set null,
    -- Optimistic locking: every change by a person or the importer increments it.
    version integer not null default 1,
    -- Soft validation problems found by the importer, as {code, field, detail} objects.
    warnings jsonb not null default '[]',
    raw_payload jsonb not null,
    -- SHA-256 over the normalised data fields: an identical re-import is detected without a diff.
    content_hash bytea not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    topic_tsv tsvector generated always as (to_tsvector('german', coalesce(topic, ''))) stored
);

create index calls_received_at_idx on calls (received_at desc, id desc);
create index calls_status_received_at_idx on calls (status, received_at desc, id desc);
create index calls_caller_number_idx on calls (caller_number);
create index calls_assignee_id_idx on calls (assignee_id) where assignee_id is not null;
create index calls_topic_tsv_idx on calls using gin (topic_tsv);
create index calls_caller_name_trgm_idx on calls using gin (caller_name gin_trgm_ops);
create index calls_caller_number_trgm_idx on calls using gin (caller_number gin_trgm_ops);
