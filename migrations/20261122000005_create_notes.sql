create table notes (
    id bigint generated always as identity constraint notes_pkey primary key,
    call_id bigint not null constraint notes_call_id_fkey references calls (id) on delete cascade,
    author_id bigint constraint notes_author_id_fkey references users (id) on delete set null,
    body text not null constraint notes_body_length check (char_length(btrim(body)) between 1 and 4000),
    created_at timestamptz not null default now(),
    body_tsv tsvector generated always as (to_tsvector('german', body)) stored
);

create index notes_call_id_idx on notes (call_id, created_at);
create index notes_body_tsv_idx on notes using gin (body_tsv);
