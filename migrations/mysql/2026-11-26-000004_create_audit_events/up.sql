-- Security-relevant events. Rows outlive the account they mention (user_id set NULL).
CREATE TABLE audit_events (
    id BIGINT NOT NULL AUTO_INCREMENT,
    user_id BIGINT NULL,
    kind VARCHAR(64) NOT NULL,
    ip VARCHAR(64) NULL,
    user_agent VARCHAR(512) NULL,
    detail TEXT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY audit_events_user_idx (user_id, created_at),
    KEY audit_events_created_at_idx (created_at),
    CONSTRAINT audit_events_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
