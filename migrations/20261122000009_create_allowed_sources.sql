-- Sources that may deliver calls (compliance whitelist). Events from any other source
-- become dead letters `source_not_allowed` and rows in blocked_content_log.
create table allowed_sources (
    name text constraint allowed_sources_pkey primary key
        constraint allowed_sources_name_format check (name ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    display_name text not null,
    legal_basis text not null default '',
    notes text not null default '',
    is_active boolean not null default true,
    created_at timestamptz not null default now()
);

insert into allowed_sources (name, display_name, legal_basis)
values ('phone', 'Telefonassistent', 'Art. 6 Abs. 1 lit. b DSGVO (Terminvereinbarung und Behandlungsanfragen)');
