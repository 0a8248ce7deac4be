-- Escalation (seed 000 §10): an open urgent call older than `after_minutes` is escalated once:
-- marked, shown in a banner on every open dashboard, assigned to the on-duty person if nobody
-- has it, and audited. `app/src/rules/escalation.rs` decides; the `escalation` job runs it.
create table escalation_settings (
    id boolean constraint escalation_settings_pkey primary key default true
        constraint escalation_settings_single_row check (id),
    after_minutes integer not null default 10
        constraint escalation_settings_after_minutes_range check (after_minutes between 1 and 1440),
    -- Who gets an escalated call nobody has; null: nobody, the banner only.
    on_duty_user_id bigint constraint escalation_settings_on_duty_user_id_fkey
        references users (id) on delete set null,
    updated_by bigint constraint escalation_settings_updated_by_fkey references users (id)
        on delete set null,
    updated_at timestamptz not null default now()
);
insert into escalation_settings default values;

-- When the call was escalated; null: not (yet).
alter table calls add column escalated_at timestamptz;

-- The job's question every half minute: open urgent calls not yet escalated, oldest first.
create index calls_escalation_due_idx on calls (received_at)
    where priority = 'urgent' and status <> 'DONE' and escalated_at is null;
