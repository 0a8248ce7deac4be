-- Changes made without a login (the dashboard before login exists, or an open installation)
-- are recorded as made by an anonymous actor rather than pretending to be the system.
alter table actions_audit drop constraint actions_audit_actor_kind_valid;
alter table actions_audit add constraint actions_audit_actor_kind_valid
    check (actor_kind in ('user', 'importer', 'system', 'anonymous'));
