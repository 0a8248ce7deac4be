-- Number search matches fragments (`like '%…%'`), which only the trigram index serves; no
-- query compares whole numbers, so this B-tree was upkeep on every imported call for nothing.
drop index calls_caller_number_idx;
