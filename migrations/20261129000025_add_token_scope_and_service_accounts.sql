-- API tokens act only where their scope says (`api`: the REST API under /api/v1; `metrics`: the
-- Prometheus metrics), and only as the person who made them or as a service account: an
-- account for a program, which never logs in itself.
create type token_scope as enum ('api', 'metrics');
alter table api_tokens add column scope token_scope not null default 'api';
alter table api_tokens alter column scope drop default;

alter table users add column is_service boolean not null default false;
alter table users add constraint users_service_never_logs_in
    check (not is_service or (password_hash is null and oidc_subject is null));
