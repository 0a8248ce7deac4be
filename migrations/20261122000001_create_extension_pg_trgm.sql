-- Trigram indexes for partial matches on caller name and number.
create extension if not exists pg_trgm;
