-- The date of birth is stored only sealed (XChaCha20-Poly1305 under a data key kept outside
-- the database, see app/src/at_rest): `v1.<key id>.<hex>`. The clear column is renamed so no
-- code writes it by accident; the server seals what it still holds at its next start (and
-- `server keys rotate` does the same), after which it is empty. The raw event's
-- `date_of_birth` is sealed in place the same way.
alter table calls rename column date_of_birth to date_of_birth_clear;
alter table calls add column date_of_birth_sealed text
    constraint calls_date_of_birth_sealed_form check (date_of_birth_sealed ~ '^v1\.[a-z0-9-]{1,16}\.[0-9a-f]+$');
comment on column calls.date_of_birth_clear is
    'Dates of birth from before encryption; emptied by the first start with data keys. Never written.';

-- Calls up to this id may still hold a date of birth in clear (column or raw event); the
-- server seals them at its next start and sets it to 0. One row.
create table date_of_birth_sealing (
    clear_up_to bigint not null
);
insert into date_of_birth_sealing (clear_up_to) select coalesce(max(id), 0) from calls;
