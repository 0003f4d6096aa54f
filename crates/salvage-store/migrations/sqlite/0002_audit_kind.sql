-- The kind of item each audit event is about (library, folder or document), so logs can say it
-- even after the item is purged.
ALTER TABLE audit_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'document';
