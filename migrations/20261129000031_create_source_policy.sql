-- The source policy (seed 003 on call data): versions of one document holding the allowed
-- sources with their operations matrix, the PII rules and the retention period. An admin edits
-- the one draft; another admin approves it (four eyes), which makes it immutable, names it by
-- the hash of its content and makes it the active version: the newest approved one.
create table policy_versions (
    version integer constraint policy_versions_pkey primary key
        constraint policy_versions_version_positive check (version > 0),
    state text not null
        constraint policy_versions_state_valid check (state in ('draft', 'approved', 'rejected')),
    document jsonb not null,
    -- The version a draft started from (a rollback starts from an old one).
    based_on integer constraint policy_versions_based_on_fkey references policy_versions (version),
    -- Null: the system (version 1, made at install).
    author_id bigint constraint policy_versions_author_fkey references users (id),
    last_editor_id bigint constraint policy_versions_last_editor_fkey references users (id),
    decided_by bigint constraint policy_versions_decided_by_fkey references users (id),
    -- The only admin approved their own draft, as the practice allowed (compliance_settings).
    self_approved boolean not null default false,
    content_hash bytea,
    decision_note text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    decided_at timestamptz,
    -- Training is forbidden: no version may even carry a permission for it.
    constraint policy_versions_training_forbidden
        check (not jsonb_path_exists(document, '$.sources[*].operations.training')),
    -- Four eyes: the approver wrote neither the draft nor its last change, unless self-approval.
    constraint policy_versions_four_eyes check (
        state <> 'approved' or self_approved or decided_by is null
        or (decided_by is distinct from author_id and decided_by is distinct from last_editor_id)),
    constraint policy_versions_decided check ((state = 'draft') = (decided_at is null)),
    constraint policy_versions_hashed check ((state = 'approved') = (content_hash is not null))
);

-- One draft at a time: every change goes into it, and it is approved or rejected whole.
create unique index policy_versions_one_draft on policy_versions ((true)) where state = 'draft';

-- A decided version never changes and no version is ever deleted.
create function policy_versions_guard() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'policy version % cannot be deleted', old.version;
    end if;
    if old.state <> 'draft' then
        raise exception 'policy version % is %: it cannot change', old.version, old.state;
    end if;
    return new;
end
$$;

create trigger policy_versions_guard before update or delete on policy_versions
    for each row execute function policy_versions_guard();

revoke delete, truncate on policy_versions from anrufe_app;

-- Whether the only admin of a practice may approve their own drafts (the report says so).
create table compliance_settings (
    id boolean constraint compliance_settings_pkey primary key default true
        constraint compliance_settings_single_row check (id),
    allow_self_approval boolean not null default false,
    updated_at timestamptz not null default now()
);
insert into compliance_settings default values;

-- Version 1 from the sources allowed so far (by hand in SQL), with the default matrix, PII
-- rules and retention period written by the application (`PolicyDocument::initial`); the
-- application puts in what only it knows at its first start (see compliance::store::install).
create table policy_install_sources as
    select name, display_name, legal_basis, notes, is_active from allowed_sources;
drop table allowed_sources;

-- What the enforcer refused: besides sources and lines, operations on calls and the PII rule
-- and policy version that decided. Never the content.
alter table blocked_content_log
    alter column file_name drop not null,
    alter column line_number drop not null,
    add column operation text,
    add column rule text,
    add column policy_version integer,
    add column actor_id bigint constraint blocked_content_log_actor_fkey references users (id)
        on delete set null;

alter table dead_letters drop constraint dead_letters_reason_valid;
alter table dead_letters add constraint dead_letters_reason_valid check (reason in (
    'invalid_utf8', 'invalid_json', 'not_an_object', 'line_too_long', 'missing_received_at',
    'invalid_received_at', 'missing_caller', 'invalid_phone', 'invalid_field_type',
    'source_not_allowed', 'pii_blocked'));
