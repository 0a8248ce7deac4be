-- What agents see of a caller's personal data. Admins choose per field; admins themselves
-- always see everything. Out of the box the date of birth is hidden and the number visible.
create table pii_masking (
    field text constraint pii_masking_pkey primary key
        constraint pii_masking_field_valid
        check (field in ('caller_name', 'caller_number', 'date_of_birth')),
    level text not null constraint pii_masking_level_valid
        check (level in ('visible', 'partial', 'hidden')),
    updated_at timestamptz not null default now(),
    updated_by bigint constraint pii_masking_updated_by_fkey references users (id) on delete set null
);

insert into pii_masking (field, level) values
    ('caller_name', 'visible'),
    ('caller_number', 'visible'),
    ('date_of_birth', 'hidden');

-- Each time someone revealed a masked field, and why. The audit row names this row instead of
-- holding the reason, so the reason (free text) can be erased with the call without breaking
-- the audit chain.
create table pii_reveals (
    id bigint generated always as identity constraint pii_reveals_pkey primary key,
    call_id bigint not null constraint pii_reveals_call_id_fkey references calls (id) on delete cascade,
    user_id bigint not null constraint pii_reveals_user_id_fkey references users (id),
    field text not null constraint pii_reveals_field_valid
        check (field in ('caller_name', 'caller_number', 'date_of_birth')),
    reason text not null constraint pii_reveals_reason_length
        check (char_length(btrim(reason)) between 3 and 500),
    revealed_at timestamptz not null default now()
);

create index pii_reveals_call_id_idx on pii_reveals (call_id);
