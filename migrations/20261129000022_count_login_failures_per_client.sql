-- Failed logins count per account and client address. Someone guessing an account's password
-- locks it for their own address only: they can no longer lock the practice's only admin out
-- everywhere by failing on purpose.
create table login_failures (
    user_id bigint not null constraint login_failures_user_id_fkey references users (id)
        on delete cascade,
    client text not null,
    failures integer not null default 0,
    locked_until timestamptz,
    last_failed_at timestamptz not null default now(),
    constraint login_failures_pkey primary key (user_id, client)
);

alter table users drop column failed_logins, drop column locked_until;
