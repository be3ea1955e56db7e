-- Lifeline's own state for accounts that live in an external directory (an AccountSource:
-- LDAP, Active Directory). Keyed by the source's stable id for the entry, never by a name
-- that can change; `id` is what tokens, sessions and audit events carry for the account.
CREATE TABLE external_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    external_id TEXT NOT NULL,
    email TEXT NOT NULL,
    display_email TEXT NOT NULL,
    auth_epoch BIGINT NOT NULL DEFAULT 0,
    resets_paused_until TIMESTAMP NULL,
    disabled_at TIMESTAMP NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT external_accounts_source_key UNIQUE (kind, external_id)
);
CREATE INDEX external_accounts_email ON external_accounts (email);
