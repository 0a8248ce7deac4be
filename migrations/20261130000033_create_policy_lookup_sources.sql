-- The sources whose calls agents may see: those the active source policy lists as active with
-- `lookup` allowed without a justification. Every read of calls for an agent (list, count,
-- search, detail, reveal, change) joins this list; admins see every call. The application
-- rewrites the list in the transaction that approves a version (compliance::approval) or
-- installs version 1 (compliance::store), so it always matches the active version.
create table policy_lookup_sources (
    source text constraint policy_lookup_sources_pkey primary key
);

-- From the active version; before version 1 is installed, from what it will be made of (the
-- sources allowed so far, or the phone assistant alone), all with lookup allowed.
insert into policy_lookup_sources (source)
select s.value ->> 'id'
from policy_versions v, jsonb_array_elements(v.document -> 'sources') s
where v.version = (select max(version) from policy_versions where state = 'approved')
  and (s.value ->> 'active')::boolean
  and (s.value -> 'operations' -> 'lookup' ->> 'allowed')::boolean
  and not (s.value -> 'operations' -> 'lookup' ->> 'needs_justification')::boolean
union all
select name from policy_install_sources
where is_active and not exists (select 1 from policy_versions where state = 'approved')
union all
select 'phone'
where not exists (select 1 from policy_versions where state = 'approved')
  and not exists (select 1 from policy_install_sources);
