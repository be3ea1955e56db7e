-- Accounts an operator disabled (`lifeline users disable`): no mail, no sign-in, and every
-- public answer the same as for an unknown address. NULL: the account is enabled.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP(6) NULL;
