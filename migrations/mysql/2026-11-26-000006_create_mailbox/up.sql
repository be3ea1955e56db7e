-- Messages kept by the development mailbox transport (shown at /dev/mailbox).
CREATE TABLE mailbox (
    id BIGINT NOT NULL AUTO_INCREMENT,
    recipient VARCHAR(254) NOT NULL,
    subject TEXT NOT NULL,
    body_text MEDIUMTEXT NOT NULL,
    body_html MEDIUMTEXT NULL,
    message_id VARCHAR(255) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY mailbox_recipient_idx (recipient)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
