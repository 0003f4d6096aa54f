-- The trash name search (`name_key LIKE '%…%'`, a case-insensitive substring of a record's
-- name) from an index rather than a scan of the bin: a GIN index of the trigrams of each
-- record's name key. PostgreSQL's planner uses it for a LIKE whose text holds a trigram (three
-- characters or more) when it expects few matches, and keeps reading the bin in the listing's
-- order when most records match; the LIKE is rechecked on every row either way.
--
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension since PostgreSQL 13: the
-- owner of the database may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX trash_by_name_trigrams ON trash_records USING gin (name_key gin_trgm_ops);
