CREATE TABLE mailbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NULL,
    message_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mailbox_recipient_idx ON mailbox (recipient);
