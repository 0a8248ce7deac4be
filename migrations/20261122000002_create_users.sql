create type user_role as enum ('AGENT', 'ADMIN');

create table users (
    id bigint generated always as identity constraint users_pkey primary key,
    name text not null constraint users_name_not_blank check (btrim(name) <> ''),
    email text not null constraint users_email_key unique,
    role user_role not null,
    is_active boolean not null default true,
    created_at timestamptz not null default now()
);
