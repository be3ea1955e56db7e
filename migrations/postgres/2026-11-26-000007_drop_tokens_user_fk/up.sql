-- Tokens name accounts that may live outside Lifeline's `users` table (a user directory
-- mapped onto an application's own table), so `user_id` can no longer reference `users`.
-- The index on (user_id, purpose) stays.
ALTER TABLE tokens DROP CONSTRAINT tokens_user_fk;
