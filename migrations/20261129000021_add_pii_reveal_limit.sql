-- How many masked fields one person may reveal in an hour; admins set it with the masking
-- levels. A reveal past it is refused and leaves a `reveal_refused` audit row, so a burst shows
-- in the audit log.
create table pii_reveal_limit (
    singleton boolean constraint pii_reveal_limit_pkey primary key default true
        constraint pii_reveal_limit_singleton check (singleton),
    per_hour integer not null default 30 constraint pii_reveal_limit_per_hour_range
        check (per_hour between 1 and 1000),
    updated_at timestamptz not null default now(),
    updated_by bigint constraint pii_reveal_limit_updated_by_fkey references users (id)
        on delete set null
);

insert into pii_reveal_limit default values;

-- The limit counts one person's reveals of the last hour.
create index pii_reveals_user_id_revealed_at_idx on pii_reveals (user_id, revealed_at);
