-- The login throttle's counters (salvage_core::throttle), shared by every server of the
-- database: failures of an account (`user:{id}`, or `name:{hash}` for a name that matches no
-- user) from an address, '*' standing for any. A counter is forgotten at `expires_at`; the
-- index finds the forgotten ones, and those closest to it when the table is full.
CREATE TABLE login_counters (
    account       TEXT    NOT NULL,
    address       TEXT    NOT NULL,
    failures      INTEGER NOT NULL,
    locked_until  INTEGER,
    expires_at    INTEGER NOT NULL,
    PRIMARY KEY (account, address)
);
CREATE INDEX login_counters_by_expiry ON login_counters (expires_at);
