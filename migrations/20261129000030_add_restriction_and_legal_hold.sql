-- Restriction of processing (Sperrvermerk, Art. 18) and legal hold (README, "Rights of the
-- caller"). A restricted call is hidden from agents everywhere and nobody may change it;
-- admins see it greyed with the reason. A legal hold (only on a restricted call) keeps the
-- purge from deleting it until the hold ends; the reasons go with the call when it goes.
alter table calls
    add column restricted_at timestamptz,
    add column restricted_by bigint
        constraint calls_restricted_by_fkey references users (id) on delete set null,
    add column restriction_reason text,
    add column legal_hold_until date,
    add column legal_hold_reason text,
    add constraint calls_restriction_complete
        check ((restricted_at is null) = (restriction_reason is null)),
    add constraint calls_restriction_reason_length
        check (char_length(btrim(restriction_reason)) between 3 and 500),
    add constraint calls_legal_hold_complete
        check ((legal_hold_until is null) = (legal_hold_reason is null)),
    add constraint calls_legal_hold_reason_length
        check (char_length(btrim(legal_hold_reason)) between 3 and 500),
    add constraint calls_legal_hold_restricted
        check (legal_hold_until is null or restricted_at is not null);

create index calls_legal_hold_until_idx on calls (legal_hold_until)
    where legal_hold_until is not null;
