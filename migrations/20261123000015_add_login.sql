-- Local accounts, server-side sessions and API tokens.

alter table users
    add column password_hash text,
    add column failed_logins integer not null default 0,
    add column locked_until timestamptz,
    add constraint users_email_lowercase check (email = lower(email));

-- A browser's login. The cookie holds a random token; only its SHA-256 is stored, so a leaked
-- table does not let anyone take over a session.
create table sessions (
    token_hash bytea constraint sessions_pkey primary key,
    user_id bigint not null constraint sessions_user_id_fkey references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    user_agent text not null default '' constraint sessions_user_agent_length
        check (char_length(user_agent) <= 200)
);

create index sessions_user_id_idx on sessions (user_id);
create index sessions_expires_at_idx on sessions (expires_at);

-- A program's access to the REST API, acting as a user. Stored hashed like sessions; the
-- prefix lets people tell their tokens apart without the secret.
create table api_tokens (
    id bigint generated always as identity constraint api_tokens_pkey primary key,
    user_id bigint not null constraint api_tokens_user_id_fkey references users (id) on delete cascade,
    name text not null constraint api_tokens_name_not_blank check (btrim(name) <> ''),
    token_hash bytea not null constraint api_tokens_token_hash_key unique,
    prefix text not null,
    created_by bigint constraint api_tokens_created_by_fkey references users (id) on delete set null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);

create index api_tokens_user_id_idx on api_tokens (user_id);
