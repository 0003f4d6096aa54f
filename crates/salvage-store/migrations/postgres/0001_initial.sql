-- salvage schema for the shared PostgreSQL backend; the same tables and columns as the SQLite
-- schema, so both backends read rows the same way. Times are Unix milliseconds (UTC), integers
-- are BIGINT (Rust i64) and flags BOOLEAN.
--
-- Text is compared byte by byte (COLLATE "C") as SQLite does: a subtree is the range
-- `path >= '/1/5/' AND path < '/1/50'`, name keys sort siblings and page listings, and a
-- locale's collation would break both.
--
-- Ids are never reused, so a stale handle can never reach a newer item. Items and trash records
-- take theirs from `id_counters` inside the writing transaction, as SQLite's AUTOINCREMENT does
-- with its sqlite_sequence table: an id taken by a transaction that is rolled back (a preflight
-- of a restore that recreates folders, a refused item of a batch) was never seen by anyone and
-- is handed out again, so a history of operations gives the same ids on both backends. Other
-- tables use identity columns.

CREATE TABLE id_counters (
    name     TEXT COLLATE "C" PRIMARY KEY,
    last_id  BIGINT NOT NULL
);
INSERT INTO id_counters (name, last_id) VALUES ('nodes', 0), ('trash_records', 0);

CREATE TABLE tenants (
    id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT    COLLATE "C" NOT NULL UNIQUE,
    user_bin_days    BIGINT  NOT NULL,
    system_bin_days  BIGINT  NOT NULL,
    names_reserved   BOOLEAN NOT NULL,
    restore_policy   TEXT    COLLATE "C" NOT NULL,
    created_at       BIGINT  NOT NULL
);

CREATE TABLE users (
    id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username         TEXT    COLLATE "C" NOT NULL,
    username_key     TEXT    COLLATE "C" NOT NULL UNIQUE,
    email            TEXT    COLLATE "C" NOT NULL,
    email_key        TEXT    COLLATE "C" NOT NULL,
    first_name       TEXT    COLLATE "C" NOT NULL,
    last_name        TEXT    COLLATE "C" NOT NULL,
    password_hash    TEXT    COLLATE "C" NOT NULL,
    enabled          BOOLEAN NOT NULL,
    is_system_admin  BOOLEAN NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email_key) WHERE email_key <> '';

CREATE TABLE memberships (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    role       TEXT   COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX memberships_by_tenant ON memberships (tenant_id);

CREATE TABLE groups (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT    COLLATE "C" NOT NULL,
    name_key   TEXT    COLLATE "C" NOT NULL,
    builtin    BOOLEAN NOT NULL,
    UNIQUE (tenant_id, name_key)
);

CREATE TABLE group_members (
    group_id  BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id);

-- Only the SHA-256 of a ticket is stored.
CREATE TABLE sessions (
    ticket_hash  TEXT   COLLATE "C" PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE doc_types (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT   COLLATE "C" NOT NULL
);

-- One row per explicit deletion. Its members are the nodes it marks and their unmarked
-- descendants.
CREATE TABLE trash_records (
    id                  BIGINT PRIMARY KEY,
    tenant_id           BIGINT NOT NULL REFERENCES tenants (id),
    root_node_id        BIGINT NOT NULL,
    kind                TEXT   COLLATE "C" NOT NULL,
    name                TEXT   COLLATE "C" NOT NULL,
    name_key            TEXT   COLLATE "C" NOT NULL,
    original_parent_id  BIGINT,
    original_path       TEXT   COLLATE "C" NOT NULL,
    deleted_by          BIGINT NOT NULL REFERENCES users (id),
    deleted_at          BIGINT NOT NULL,
    item_count          BIGINT NOT NULL,
    total_size          BIGINT NOT NULL,
    stage               BIGINT NOT NULL,
    stage_changed_at    BIGINT NOT NULL
);
-- The trash filters: newest first overall, by deleter, by the folder deleted from, by original
-- path range, and the retention sweeper's stage scan.
CREATE INDEX trash_by_time ON trash_records (tenant_id, deleted_at DESC, id DESC);
CREATE INDEX trash_by_deleter ON trash_records (tenant_id, deleted_by, deleted_at DESC, id DESC);
CREATE INDEX trash_by_parent ON trash_records (tenant_id, original_parent_id, deleted_at DESC, id DESC);
CREATE INDEX trash_by_path ON trash_records (tenant_id, original_path);
CREATE INDEX trash_by_stage ON trash_records (tenant_id, stage, stage_changed_at);

CREATE TABLE nodes (
    id                 BIGINT  PRIMARY KEY,
    tenant_id          BIGINT  NOT NULL REFERENCES tenants (id),
    parent_id          BIGINT  REFERENCES nodes (id),
    kind               TEXT    COLLATE "C" NOT NULL CHECK (kind IN ('library', 'folder', 'document')),
    name               TEXT    COLLATE "C" NOT NULL,
    name_key           TEXT    COLLATE "C" NOT NULL,
    -- Materialized id path '/lib/.../self/': a subtree is one index range. Unique by
    -- construction (it ends with the node's own id); `salvage check` verifies it.
    path               TEXT    COLLATE "C" NOT NULL,
    depth              BIGINT  NOT NULL,
    trash_record_id    BIGINT  REFERENCES trash_records (id),
    size               BIGINT  NOT NULL DEFAULT 0,
    current_version    BIGINT  NOT NULL DEFAULT 0,
    published_version  BIGINT  NOT NULL DEFAULT 0,
    doc_type_id        BIGINT  REFERENCES doc_types (id),
    requires_doc_type  BOOLEAN NOT NULL DEFAULT FALSE,
    acl_inherited      BOOLEAN NOT NULL DEFAULT TRUE,
    created_by         BIGINT  NOT NULL,
    created_at         BIGINT  NOT NULL,
    modified_at        BIGINT  NOT NULL
);
-- Sibling names are unique among unmarked nodes; it doubles as the children index.
CREATE UNIQUE INDEX nodes_live_names ON nodes (tenant_id, coalesce(parent_id, 0), name_key)
    WHERE trash_record_id IS NULL;
-- Subtree ranges; the size column lets the subtree aggregate run from the index alone.
CREATE INDEX nodes_by_path ON nodes (path) INCLUDE (size);
CREATE INDEX nodes_by_parent ON nodes (parent_id);
CREATE INDEX nodes_by_record ON nodes (trash_record_id) WHERE trash_record_id IS NOT NULL;
-- Finding marked nodes inside a subtree must not scan the subtree.
CREATE INDEX nodes_marked_by_path ON nodes (path) WHERE trash_record_id IS NOT NULL;

CREATE TABLE blobs (
    sha256      TEXT   COLLATE "C" PRIMARY KEY,
    size        BIGINT NOT NULL,
    refcount    BIGINT NOT NULL,
    -- When the reference count last dropped to zero; the file goes after a grace delay.
    zero_since  BIGINT
);
CREATE INDEX blobs_unreferenced ON blobs (zero_since) WHERE refcount <= 0;

CREATE TABLE versions (
    node_id      BIGINT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    number       BIGINT NOT NULL,
    blob_sha256  TEXT   COLLATE "C" NOT NULL REFERENCES blobs (sha256),
    size         BIGINT NOT NULL,
    created_by   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (node_id, number)
);
CREATE INDEX versions_by_blob ON versions (blob_sha256);

CREATE TABLE acl_entries (
    node_id         BIGINT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    principal_kind  TEXT   COLLATE "C" NOT NULL,
    principal_id    BIGINT NOT NULL,
    access_right    BIGINT NOT NULL CHECK (access_right BETWEEN 0 AND 6),
    PRIMARY KEY (node_id, principal_kind, principal_id)
);

CREATE TABLE audit_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    BIGINT,
    action      TEXT   COLLATE "C" NOT NULL,
    record_id   BIGINT,
    node_id     BIGINT,
    -- The kind of item (library, folder or document), so logs can say it after a purge.
    kind        TEXT   COLLATE "C" NOT NULL,
    name        TEXT   COLLATE "C" NOT NULL,
    from_path   TEXT   COLLATE "C" NOT NULL,
    to_path     TEXT   COLLATE "C" NOT NULL
);
CREATE INDEX audit_by_tenant ON audit_events (tenant_id, id DESC);
CREATE INDEX audit_by_time ON audit_events (tenant_id, at);
