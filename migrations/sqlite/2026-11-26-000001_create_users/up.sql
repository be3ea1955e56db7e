CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email TEXT NOT NULL,
    display_email TEXT NOT NULL,
    password_hash TEXT NULL,
    auth_epoch BIGINT NOT NULL DEFAULT 0,
    resets_paused_until TIMESTAMP NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);
