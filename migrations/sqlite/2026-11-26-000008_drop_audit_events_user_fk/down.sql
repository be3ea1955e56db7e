CREATE TABLE audit_events_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    ip TEXT NULL,
    user_agent TEXT NULL,
    detail TEXT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO audit_events_old (id, user_id, kind, ip, user_agent, detail, created_at)
    SELECT id, CASE WHEN user_id IN (SELECT id FROM users) THEN user_id END, kind, ip, user_agent, detail, created_at
    FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_old RENAME TO audit_events;
CREATE INDEX audit_events_user_idx ON audit_events (user_id, created_at);
CREATE INDEX audit_events_created_at_idx ON audit_events (created_at);
