-- Priority rules (seed 000 §10): VIP numbers and words or patterns in the concern raise a
-- call's priority at import; `app/src/rules` decides, this keeps the rules and what they did.
create type priority_rule_kind as enum ('vip_number', 'keyword', 'pattern');

create table priority_rules (
    id bigint generated always as identity constraint priority_rules_pkey primary key,
    kind priority_rule_kind not null,
    -- E.164 for a VIP number, the word or words for a keyword, the regular expression for a pattern.
    value text not null constraint priority_rules_value_length
        check (char_length(value) between 1 and 200),
    -- What the drawer and the admin area call it, e.g. „Pflegeheim Sonnenhof“.
    label text not null constraint priority_rules_label_length
        check (char_length(label) between 1 and 100),
    priority call_priority not null,
    enabled boolean not null default true,
    created_at timestamptz not null default now(),
    created_by bigint constraint priority_rules_created_by_fkey references users (id),
    constraint priority_rules_kind_value_key unique (kind, value)
);

-- The clinical red flags, on from the start; an admin may switch each off.
insert into priority_rules (kind, value, label, priority) values
    ('keyword', 'Brustschmerz', 'Brustschmerz', 'urgent'),
    ('keyword', 'Atemnot', 'Atemnot', 'urgent'),
    ('keyword', 'keine Luft', 'keine Luft', 'urgent'),
    ('keyword', 'Notfall', 'Notfall', 'urgent'),
    ('keyword', 'bewusstlos', 'bewusstlos', 'urgent'),
    ('keyword', 'Ohnmacht', 'Ohnmacht', 'urgent'),
    ('keyword', 'Schlaganfall', 'Schlaganfall', 'urgent'),
    ('keyword', 'Lähmung', 'Lähmung', 'urgent'),
    ('keyword', 'Herzinfarkt', 'Herzinfarkt', 'urgent'),
    ('keyword', 'Krampfanfall', 'Krampfanfall', 'urgent'),
    ('keyword', 'starke Blutung', 'starke Blutung', 'urgent'),
    ('keyword', 'allergische Reaktion', 'allergische Reaktion', 'urgent');

-- What the event itself said (null: nothing), the rule that set the priority (null: none did),
-- and whether a person set it (accepting a suggestion), which rules then leave alone.
alter table calls
    add column event_priority call_priority,
    add column priority_rule_id bigint
        constraint calls_priority_rule_id_fkey references priority_rules (id) on delete set null,
    add column priority_by_person boolean not null default false;

-- Calls imported before: their priority is the event's (a `normal` one may have been unstated),
-- unless a person accepted a suggestion for it.
update calls set event_priority = priority where priority <> 'normal';
update calls set priority_by_person = true
 where id in (select call_id from actions_audit
               where action_type = 'suggestion_accepted' and call_id is not null);

create index calls_priority_rule_id_idx on calls (priority_rule_id) where priority_rule_id is not null;

