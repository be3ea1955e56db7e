-- The language each account last used (a BCP 47 tag such as `de`), for the mail no request
-- of theirs caused (a password set by an operator or the admin API). Keyed by the directory's
-- account id, with no foreign key: the account may live in an application's own table.
CREATE TABLE account_languages (
    user_id BIGINT NOT NULL PRIMARY KEY,
    lang VARCHAR(35) NOT NULL,
    updated_at TIMESTAMP(6) NOT NULL
);
