-- A refused line is kept verbatim for replay, so it may hold a date of birth (and everything
-- else of the call): it is stored sealed like the date of birth (app/src/at_rest), in
-- `raw_line_sealed`. Lines from before stay in `raw_line` until the server's next start seals
-- them; a row holds its line in exactly one of the two.
alter table dead_letters alter column raw_line drop not null;
alter table dead_letters add column raw_line_sealed text
    constraint dead_letters_raw_line_sealed_form check (raw_line_sealed ~ '^v1\.[a-z0-9-]{1,16}\.[0-9a-f]+$');
alter table dead_letters add constraint dead_letters_raw_line_once
    check (num_nonnulls(raw_line, raw_line_sealed) = 1);

alter table date_of_birth_sealing add column dead_letters_in_clear boolean not null default false;
update date_of_birth_sealing set dead_letters_in_clear = exists (select 1 from dead_letters);
