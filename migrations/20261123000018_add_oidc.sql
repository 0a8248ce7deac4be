-- Login through the practice's identity provider (OpenID Connect). A person from the provider
-- is known by issuer and subject, never by e-mail address alone.
alter table users
    add column oidc_issuer text,
    add column oidc_subject text,
    add constraint users_oidc_identity_key unique (oidc_issuer, oidc_subject),
    add constraint users_oidc_identity_complete
        check ((oidc_issuer is null) = (oidc_subject is null));

-- A login that went to the provider and has not come back yet. The browser holds the state in
-- a cookie too, so a callback only completes the login the same browser began (no login CSRF).
create table oidc_logins (
    state_hash bytea constraint oidc_logins_pkey primary key,
    pkce_verifier text not null,
    nonce text not null,
    next text not null default '/',
    created_at timestamptz not null default now()
);

create index oidc_logins_created_at_idx on oidc_logins (created_at);
