-- How far the importer has read each file. Written in the same transaction as
-- the rows of a batch, so a crash never loses or repeats a line.
create table import_offsets (
    id bigint generated always as identity constraint import_offsets_pkey primary key,
    file_name text not null,
    -- The file under that name is recognised by device, inode and a hash of its first
    -- fingerprint_len bytes; a mismatch means it was replaced or truncated.
    device bigint not null,
    inode bigint not null,
    fingerprint bytea not null,
    fingerprint_len integer not null,
    byte_offset bigint not null constraint import_offsets_byte_offset_nonnegative check (byte_offset >= 0),
    line_number bigint not null,
    updated_at timestamptz not null default now(),
    constraint import_offsets_file_name_key unique (file_name)
);
