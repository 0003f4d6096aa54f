-- The nodes that set an access list of their own, by tenant: the visibility rule reads them all
-- at once to judge the items of a listing, search or batch.
CREATE INDEX nodes_own_access_lists ON nodes (tenant_id, path) WHERE NOT acl_inherited;
