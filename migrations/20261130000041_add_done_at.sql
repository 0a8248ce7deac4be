-- When a call was last marked done (null while it is not done), for the figures of the desk and
-- of the evaluation (`app/src/kpi`): how many were done today, and how long they took. Set by
-- the one path of status changes (`app/src/service`).
alter table calls add column done_at timestamptz;

update calls c set done_at = s.at
  from (select call_id, max(changed_at) as at from call_status
         where status = 'DONE' group by call_id) s
 where c.id = s.call_id and c.status = 'DONE';

-- The tiles read only these two indexes (index-only scans): the calls done since a time, and
-- the open calls, each with what tells whether an agent may see the call.
create index calls_done_at_idx on calls (done_at) include (received_at, restricted_at, source)
    where done_at is not null;
create index calls_open_idx on calls (received_at) include (restricted_at, source)
    where status <> 'DONE';
