-- Every five characters in a row of a caller's number, for searching by fragments of seven
-- digits or more (`db::calls::filters` builds the same grams from the typed digits).
-- A number's trigrams are few (digits make only 1 000) and each is in many numbers, so a
-- typed fragment of a mobile number read up to 1 000 index pages of the trigram index and took
-- 40–75 ms at 1 M calls; its five-character pieces are rare, and the same search reads a few
-- dozen pages and takes 1.5 ms. Short fragments keep the trigram index: their pieces would
-- match most numbers (every German number has "49…").
--
-- Without the pending list (`fastupdate = off`) each new call writes its ten or so pieces into
-- the index at once: the importer bench took 3 % longer than without the index, where the
-- pending list's periodic merges made it 40 % slower (300 000 lines: 2 767 lines/s without the
-- index, 1 616 with its pending list, 2 673 without).
create function number_grams(number text) returns text[]
    language sql immutable strict parallel safe
    return array(select substr(number, i, 5) from generate_series(1, length(number) - 4) as i);

create index calls_caller_number_grams_idx on calls using gin (number_grams(caller_number)) with (fastupdate = off);
