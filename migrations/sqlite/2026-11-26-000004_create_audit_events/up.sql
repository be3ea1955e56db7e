CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    ip TEXT NULL,
    user_agent TEXT NULL,
    detail TEXT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_user_idx ON audit_events (user_id, created_at);
CREATE INDEX audit_events_created_at_idx ON audit_events (created_at);
