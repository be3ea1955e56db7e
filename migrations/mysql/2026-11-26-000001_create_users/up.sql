-- Accounts. The normalised address is compared byte for byte (utf8mb4_bin): the
-- application lowercases it, and a case- or accent-insensitive collation would make
-- distinct addresses collide in the unique index.
CREATE TABLE users (
    id BIGINT NOT NULL AUTO_INCREMENT,
    email VARCHAR(254) NOT NULL,
    display_email VARCHAR(254) NOT NULL,
    password_hash VARCHAR(255) NULL,
    auth_epoch BIGINT NOT NULL DEFAULT 0,
    resets_paused_until DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_email_key (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
