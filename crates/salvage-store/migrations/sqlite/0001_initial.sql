-- salvage schema for the embedded SQLite backend. Times are Unix milliseconds (UTC).
-- AUTOINCREMENT: an id is never reused, so a stale handle can never reach a newer item.

CREATE TABLE tenants (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT    NOT NULL UNIQUE,
    user_bin_days    INTEGER NOT NULL,
    system_bin_days  INTEGER NOT NULL,
    names_reserved   INTEGER NOT NULL,
    restore_policy   TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    username         TEXT    NOT NULL,
    username_key     TEXT    NOT NULL UNIQUE,
    email            TEXT    NOT NULL,
    email_key        TEXT    NOT NULL,
    first_name       TEXT    NOT NULL,
    last_name        TEXT    NOT NULL,
    password_hash    TEXT    NOT NULL,
    enabled          INTEGER NOT NULL,
    is_system_admin  INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email_key) WHERE email_key <> '';

CREATE TABLE memberships (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL,
    PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX memberships_by_tenant ON memberships (tenant_id);

CREATE TABLE groups (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL,
    builtin    INTEGER NOT NULL,
    UNIQUE (tenant_id, name_key)
);

CREATE TABLE group_members (
    group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id);

-- Only the SHA-256 of a ticket is stored.
CREATE TABLE sessions (
    ticket_hash  TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE doc_types (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL
);

-- One row per explicit deletion. Its members are the nodes it marks and their unmarked
-- descendants.
CREATE TABLE trash_records (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id           INTEGER NOT NULL REFERENCES tenants (id),
    root_node_id        INTEGER NOT NULL,
    kind                TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    name_key            TEXT    NOT NULL,
    original_parent_id  INTEGER,
    original_path       TEXT    NOT NULL,
    deleted_by          INTEGER NOT NULL REFERENCES users (id),
    deleted_at          INTEGER NOT NULL,
    item_count          INTEGER NOT NULL,
    total_size          INTEGER NOT NULL,
    stage               INTEGER NOT NULL,
    stage_changed_at    INTEGER NOT NULL
);
CREATE INDEX trash_by_time ON trash_records (tenant_id, deleted_at DESC, id DESC);
CREATE INDEX trash_by_deleter ON trash_records (tenant_id, deleted_by, deleted_at DESC, id DESC);
CREATE INDEX trash_by_parent ON trash_records (tenant_id, original_parent_id, deleted_at DESC, id DESC);
CREATE INDEX trash_by_path ON trash_records (tenant_id, original_path);
CREATE INDEX trash_by_stage ON trash_records (tenant_id, stage, stage_changed_at);

CREATE TABLE nodes (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id          INTEGER NOT NULL REFERENCES tenants (id),
    parent_id          INTEGER REFERENCES nodes (id),
    kind               TEXT    NOT NULL CHECK (kind IN ('library', 'folder', 'document')),
    name               TEXT    NOT NULL,
    name_key           TEXT    NOT NULL,
    -- Materialized id path '/lib/.../self/': a subtree is one index range. Unique by
    -- construction (it ends with the node's own id); `salvage check` verifies it.
    path               TEXT    NOT NULL,
    depth              INTEGER NOT NULL,
    trash_record_id    INTEGER REFERENCES trash_records (id),
    size               INTEGER NOT NULL DEFAULT 0,
    current_version    INTEGER NOT NULL DEFAULT 0,
    published_version  INTEGER NOT NULL DEFAULT 0,
    doc_type_id        INTEGER REFERENCES doc_types (id),
    requires_doc_type  INTEGER NOT NULL DEFAULT 0,
    acl_inherited      INTEGER NOT NULL DEFAULT 1,
    created_by         INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    modified_at        INTEGER NOT NULL
);
-- Sibling names are unique among unmarked nodes; it doubles as the children index.
CREATE UNIQUE INDEX nodes_live_names ON nodes (tenant_id, ifnull(parent_id, 0), name_key)
    WHERE trash_record_id IS NULL;
CREATE INDEX nodes_by_path ON nodes (path);
CREATE INDEX nodes_by_parent ON nodes (parent_id);
CREATE INDEX nodes_by_record ON nodes (trash_record_id) WHERE trash_record_id IS NOT NULL;
-- Finding marked nodes inside a subtree must not scan the subtree.
CREATE INDEX nodes_marked_by_path ON nodes (path) WHERE trash_record_id IS NOT NULL;

CREATE TABLE blobs (
    sha256      TEXT    PRIMARY KEY,
    size        INTEGER NOT NULL,
    refcount    INTEGER NOT NULL,
    -- When the reference count last dropped to zero; the file goes after a grace delay.
    zero_since  INTEGER
);
CREATE INDEX blobs_unreferenced ON blobs (zero_since) WHERE refcount <= 0;

CREATE TABLE versions (
    node_id      INTEGER NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    blob_sha256  TEXT    NOT NULL REFERENCES blobs (sha256),
    size         INTEGER NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (node_id, number)
);
CREATE INDEX versions_by_blob ON versions (blob_sha256);

CREATE TABLE acl_entries (
    node_id         INTEGER NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    principal_kind  TEXT    NOT NULL,
    principal_id    INTEGER NOT NULL,
    access_right    INTEGER NOT NULL CHECK (access_right BETWEEN 0 AND 6),
    PRIMARY KEY (node_id, principal_kind, principal_id)
);

CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    action      TEXT    NOT NULL,
    record_id   INTEGER,
    node_id     INTEGER,
    name        TEXT    NOT NULL,
    from_path   TEXT    NOT NULL,
    to_path     TEXT    NOT NULL
);
CREATE INDEX audit_by_tenant ON audit_events (tenant_id, id DESC);
CREATE INDEX audit_by_time ON audit_events (tenant_id, at);
