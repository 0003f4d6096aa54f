-- Documents by name across a whole tenant (live and trashed), for products whose asset names
-- are unique per company rather than per folder (Scene7 IPS ids).
CREATE INDEX nodes_document_names ON nodes (tenant_id, name_key) WHERE kind = 'document';
