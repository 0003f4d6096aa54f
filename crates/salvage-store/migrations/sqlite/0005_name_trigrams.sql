-- The trash name search (a case-insensitive substring of a record's name) from an index rather
-- than a scan of the bin: every three-character sequence of each record's name key, in an FTS5
-- table whose rowid is the record's id. A search reads the records that hold all trigrams of
-- the text in a row and checks them with the same LIKE as before, so what matches is unchanged.
--
-- External content (content='trash_records'): the names are not stored twice, only the index.
-- detail=full keeps the positions of the trigrams, which phrase queries need ("repo" is "rep"
-- then "epo"); without them a search could only ask for all trigrams anywhere in the name and
-- would read every record made of the same digits. columnsize=0 drops the per-row token
-- counts, which only ranking uses. The tokenizer folds case (case_sensitive 0), as the LIKE
-- does for ASCII, so the index never misses a row the LIKE would take.
CREATE VIRTUAL TABLE trash_name_trigrams USING fts5 (
    name_key,
    content = 'trash_records',
    content_rowid = 'id',
    tokenize = 'trigram',
    detail = full,
    columnsize = 0
);

INSERT INTO trash_name_trigrams (trash_name_trigrams) VALUES ('rebuild');

-- An external-content index is kept in step by hand: every change of a record's name key (or
-- id) removes the old entry, with the old values, and adds the new one.
CREATE TRIGGER trash_name_trigrams_insert AFTER INSERT ON trash_records BEGIN
    INSERT INTO trash_name_trigrams (rowid, name_key) VALUES (new.id, new.name_key);
END;

CREATE TRIGGER trash_name_trigrams_delete AFTER DELETE ON trash_records BEGIN
    INSERT INTO trash_name_trigrams (trash_name_trigrams, rowid, name_key) VALUES ('delete', old.id, old.name_key);
END;

CREATE TRIGGER trash_name_trigrams_update AFTER UPDATE OF id, name_key ON trash_records BEGIN
    INSERT INTO trash_name_trigrams (trash_name_trigrams, rowid, name_key) VALUES ('delete', old.id, old.name_key);
    INSERT INTO trash_name_trigrams (rowid, name_key) VALUES (new.id, new.name_key);
END;
