-- Tombstones of erased calls (README, "Rights of the caller"): keyed hashes (HMAC-SHA-256 under
-- the erasure key, which never enters the database) of the event ids of erased calls, and of
-- the numbers of erased callers with the moment of erasure. They hold no personal data, and
-- the importer skips a line that matches one, so an erased call never comes back. The server
-- also appends them to a file outside the database, from which it restores them at start
-- (after a backup from before the erasure was restored).
create table erased_events (
    event_key bytea constraint erased_events_pkey primary key,
    erased_at timestamptz not null default now()
);

-- A caller's lines received up to `erased_at` are skipped; later calls are new calls.
create table erased_callers (
    number_key bytea constraint erased_callers_pkey primary key,
    erased_at timestamptz not null default now()
);
