-- A file read again from the start (replaced, truncated, offsets lost) must not store the
-- same rejected line twice: a line is identified by file, position and a hash of its bytes.
alter table dead_letters add column raw_sha256 bytea;
update dead_letters set raw_sha256 = sha256(raw_line);
alter table dead_letters alter column raw_sha256 set not null;
alter table dead_letters
    add constraint dead_letters_line_key unique (file_name, byte_offset, raw_sha256);
