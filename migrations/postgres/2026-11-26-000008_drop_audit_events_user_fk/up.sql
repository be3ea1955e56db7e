-- Audit events name accounts that may live outside Lifeline's `users` table (see
-- 2026-11-26-000007), so `user_id` can no longer reference `users`. The index stays.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_user_fk;
