-- Lifeline's own state for accounts that live in an external directory (an AccountSource:
-- LDAP, Active Directory). Keyed by the source's stable id for the entry, never by a name
-- that can change; `id` is what tokens, sessions and audit events carry for the account.
-- Ids and addresses are compared byte for byte (utf8mb4_bin).
CREATE TABLE external_accounts (
    id BIGINT NOT NULL AUTO_INCREMENT,
    kind VARCHAR(64) NOT NULL,
    external_id VARCHAR(255) NOT NULL,
    email VARCHAR(254) NOT NULL,
    display_email VARCHAR(254) NOT NULL,
    auth_epoch BIGINT NOT NULL DEFAULT 0,
    resets_paused_until DATETIME(6) NULL,
    disabled_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY external_accounts_source_key (kind, external_id),
    KEY external_accounts_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
