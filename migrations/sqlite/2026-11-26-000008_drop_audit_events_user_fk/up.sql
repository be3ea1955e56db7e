-- Audit events name accounts that may live outside Lifeline's `users` table (see
-- 2026-11-26-000007). SQLite cannot drop a constraint: the table is rebuilt.
CREATE TABLE audit_events_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NULL,
    kind TEXT NOT NULL,
    ip TEXT NULL,
    user_agent TEXT NULL,
    detail TEXT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO audit_events_new (id, user_id, kind, ip, user_agent, detail, created_at)
    SELECT id, user_id, kind, ip, user_agent, detail, created_at FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_new RENAME TO audit_events;
CREATE INDEX audit_events_user_idx ON audit_events (user_id, created_at);
CREATE INDEX audit_events_created_at_idx ON audit_events (created_at);
