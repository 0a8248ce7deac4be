-- The evaluation's figures („Auswertung“, `app/src/kpi/report.rs`): per hour of arrival, source
-- and category, how many calls came, how many of them are done and how many were escalated,
-- and how long the done ones took. Anonymous counts, so they stay when the purge removes the
-- calls; the `kpi` job of the server counts the recent days again every ten minutes, and the
-- evaluation reads a few thousand rows instead of a million calls.
create table kpi_hours (
    hour timestamptz not null,
    source text not null,
    -- '' for calls without a category.
    category text not null,
    calls integer not null,
    done integer not null,
    escalated integer not null,
    constraint kpi_hours_pkey primary key (hour, source, category)
);

-- The done calls of each hour of arrival by how long they took: `bucket` counts from 0, below the
-- first of `kpi::report::DONE_WITHIN_MINUTES`, to one past the last.
create table kpi_done_times (
    hour timestamptz not null,
    bucket smallint not null,
    calls integer not null,
    constraint kpi_done_times_pkey primary key (hour, bucket)
);
