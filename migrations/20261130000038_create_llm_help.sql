-- LLM help (seed 000 §15): suggestions of a summary, a category and an urgency for a call,
-- asked only of the practice's own llmservice endpoint. Every request, sent or not, is a row of
-- the ledger; a call's rows leave with the call (db::deletion), never on their own.

-- The category an agent gave the call, from the practice's list (llm_settings.categories);
-- set by accepting a suggestion.
alter table calls add column category text
    constraint calls_category_length check (char_length(category) between 1 and 40);

-- The userIdent of the endpoint's path for this user's requests; null: the practice default
-- (TOMEDO_USER_IDENT). Only letters, digits, dot, dash and underscore, so it stays one segment.
alter table users add column llm_ident text
    constraint users_llm_ident_valid check (llm_ident ~ '^[A-Za-z0-9._-]{1,64}$');

create table llm_settings (
    id boolean constraint llm_settings_pkey primary key default true
        constraint llm_settings_single_row check (id),
    -- New calls are sent in the background as they arrive.
    auto_mode boolean not null default false,
    -- When the automatic mode was last switched on: calls from then on are its to send.
    auto_since timestamptz,
    categories text[] not null
        default array['Rezept', 'Termin', 'Überweisung', 'Befund', 'AU', 'Rückruf', 'Sonstiges']
        constraint llm_settings_categories_count check (cardinality(categories) between 1 and 30),
    updated_by bigint constraint llm_settings_updated_by_fkey references users (id)
        on delete set null,
    updated_at timestamptz not null default now()
);
insert into llm_settings default values;

create table llm_requests (
    id bigint generated always as identity constraint llm_requests_pkey primary key,
    call_id bigint not null constraint llm_requests_call_id_fkey references calls (id),
    -- Null: the automatic mode.
    requested_by bigint constraint llm_requests_requested_by_fkey references users (id)
        on delete set null,
    requested_at timestamptz not null default now(),
    model text not null,
    policy_version integer not null,
    -- Exactly the body that was sent; null when nothing was sent.
    prompt jsonb,
    -- The answer's message content as it came, before parsing.
    answer text,
    prompt_tokens integer,
    completion_tokens integer,
    latency_ms integer,
    outcome text not null constraint llm_requests_outcome_valid check (outcome in (
        'ok', 'refused', 'blocked', 'unreachable', 'invalid_answer', 'failed')),
    -- Why, as a code: the policy's refusal, the blocking rule, the endpoint's status, the
    -- parser's complaint. Never personal data.
    detail text not null default '',
    -- The parsed suggestion, when the outcome is 'ok'.
    summary text,
    category text,
    urgency call_priority,
    reason text,
    constraint llm_requests_ok_has_suggestion check (
        (outcome = 'ok') = (summary is not null and category is not null and urgency is not null
                            and reason is not null)),
    -- What reached the endpoint is on record.
    constraint llm_requests_sent_has_prompt check (
        outcome not in ('ok', 'invalid_answer', 'unreachable') or prompt is not null)
);

create index llm_requests_call_id_idx on llm_requests (call_id, id desc);
