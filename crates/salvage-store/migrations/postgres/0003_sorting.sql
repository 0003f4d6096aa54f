-- The orders of the recycle bin besides newest first (trash_by_time, read backwards for oldest
-- first): by name and by size, over the whole bin and over one deleter's items (all that a user
-- who is not an administrator sees). Each ends with the id, the tie-breaker of every order, so
-- the first page and every later one start with an index seek and never sort the bin.
CREATE INDEX trash_by_name ON trash_records (tenant_id, name_key, id);
CREATE INDEX trash_by_size ON trash_records (tenant_id, total_size, id);
CREATE INDEX trash_by_deleter_name ON trash_records (tenant_id, deleted_by, name_key, id);
CREATE INDEX trash_by_deleter_size ON trash_records (tenant_id, deleted_by, total_size, id);

-- The orders of a folder page besides by name (nodes_live_names): by last modified and by size
-- (the id breaks ties), and by type: folders before documents, then by name, as one text key
-- (live sibling names are unique, so it needs no id). The type expression is written exactly
-- as the listing query writes it.
CREATE INDEX nodes_live_by_modified ON nodes (tenant_id, coalesce(parent_id, 0), modified_at, id)
    WHERE trash_record_id IS NULL;
CREATE INDEX nodes_live_by_size ON nodes (tenant_id, coalesce(parent_id, 0), size, id)
    WHERE trash_record_id IS NULL;
CREATE INDEX nodes_live_by_type ON nodes
    (tenant_id, coalesce(parent_id, 0), (CASE WHEN kind = 'document' THEN '1' ELSE '0' END || name_key))
    WHERE trash_record_id IS NULL;
