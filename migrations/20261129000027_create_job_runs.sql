-- Every run of a background job (server/src/jobs): when, how it ended and what it did (counts,
-- never personal data), so an admin or the data-protection officer can see that it runs.
create table job_runs (
    id bigint generated always as identity constraint job_runs_pkey primary key,
    job text not null,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    outcome text constraint job_runs_outcome_valid check (outcome in ('ok', 'failed')),
    detail jsonb not null default '{}',
    error text
);

create index job_runs_job_started_at_idx on job_runs (job, started_at desc);
