ALTER TABLE audit_events ADD CONSTRAINT audit_events_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
