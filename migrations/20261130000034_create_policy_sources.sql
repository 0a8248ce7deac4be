-- The active source policy's sources as the reads of calls need them: the display name every
-- list, drawer and answer shows instead of the id, and whether agents may see the source's calls
-- (active, `lookup` allowed without a justification). Replaces `policy_lookup_sources`, which
-- held only the latter. The application rewrites the table in the transaction that approves a
-- version (compliance::approval) or installs version 1 (compliance::store), so it always
-- matches the active version.
create table policy_sources (
    source text constraint policy_sources_pkey primary key,
    name text not null,
    agents_see boolean not null
);

-- From the active version; before version 1 is installed, from what it will be made of (the
-- sources allowed so far, or the phone assistant alone), all with lookup allowed.
insert into policy_sources (source, name, agents_see)
select s.value ->> 'id', s.value ->> 'name',
       (s.value ->> 'active')::boolean
       and (s.value -> 'operations' -> 'lookup' ->> 'allowed')::boolean
       and not (s.value -> 'operations' -> 'lookup' ->> 'needs_justification')::boolean
from policy_versions v, jsonb_array_elements(v.document -> 'sources') s
where v.version = (select max(version) from policy_versions where state = 'approved')
union all
select name, display_name, is_active from policy_install_sources
where not exists (select 1 from policy_versions where state = 'approved')
union all
select 'phone', 'Telefonassistent', true
where not exists (select 1 from policy_versions where state = 'approved')
  and not exists (select 1 from policy_install_sources);

drop table policy_lookup_sources;
