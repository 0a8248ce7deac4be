-- The database roles of Anrufe (README, "Database roles"). Run once per PostgreSQL cluster as
-- a superuser, again to change the passwords; it changes nothing else on a second run:
--
--   psql -v owner_password=… -v app_password=… -f scripts/db/roles.sql postgres
--
-- anrufe_owner  logs in to run the migrations (`server migrate`) and owns the tables; create
--               the database with `create database anrufe owner anrufe_owner`. It may create
--               databases: the restore drill restores a backup into a throwaway one.
-- anrufe_app    logs in as the server and the importer: reads and writes the data, may only
--               insert into and read the audit trail.
-- anrufe_audit  no login; owns the retention and erasure functions of the audit trail.
\set ON_ERROR_STOP on
set client_min_messages = warning;

select not exists (select from pg_roles where rolname = 'anrufe_owner') as missing \gset
\if :missing
create role anrufe_owner login;
\endif
select not exists (select from pg_roles where rolname = 'anrufe_app') as missing \gset
\if :missing
create role anrufe_app login;
\endif
select not exists (select from pg_roles where rolname = 'anrufe_audit') as missing \gset
\if :missing
create role anrufe_audit nologin;
\endif

alter role anrufe_owner password :'owner_password';
alter role anrufe_app password :'app_password';
-- The owner hands the two audit functions to anrufe_audit in its migrations.
grant anrufe_audit to anrufe_owner;
alter role anrufe_owner createdb;
