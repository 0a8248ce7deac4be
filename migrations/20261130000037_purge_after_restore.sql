-- A purge also runs right after `server backup restore` (trigger 'restore'); the backup job
-- and the restore drill record their runs in job_runs like the other jobs.
alter table purge_runs drop constraint purge_runs_trigger_valid;
alter table purge_runs add constraint purge_runs_trigger_valid
    check (trigger in ('schedule', 'start', 'command', 'restore'));
