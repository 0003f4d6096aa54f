-- Data migrations that SQL cannot express run in Rust when the store opens a database (the
-- names brought under rule 13: NFC and full case folding, see src/stored_names). Each is
-- recorded here once it has run, in the transaction that ran it, so it runs once.
CREATE TABLE data_migrations (
    name    TEXT   COLLATE "C" PRIMARY KEY,
    ran_at  BIGINT NOT NULL
);
