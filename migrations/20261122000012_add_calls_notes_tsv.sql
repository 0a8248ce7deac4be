-- The German full-text of a call's notes, kept on the call so that one search can combine
-- name, concern and notes through their GIN indexes (a bitmap OR) instead of a join.
alter table calls add column notes_tsv tsvector not null default ''::tsvector;

create function calls_refresh_notes_tsv() returns trigger
language plpgsql as $$
declare
    changed_call bigint := coalesce(new.call_id, old.call_id);
begin
    update calls
    set notes_tsv = (
        select to_tsvector('german', coalesce(string_agg(body, ' '), ''))
        from notes
        where call_id = changed_call
    )
    where id = changed_call;
    return null;
end;
$$;

create trigger notes_refresh_call_notes_tsv
after insert or update of body or delete on notes
for each row execute function calls_refresh_notes_tsv();

create index calls_notes_tsv_idx on calls using gin (notes_tsv);
