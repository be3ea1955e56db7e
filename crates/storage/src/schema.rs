//! The one diesel schema shared by both backends.
//!
//! Hand-written on purpose: `diesel print-schema` emits backend-specific types (`Datetime` on
//! MySQL) that the multi-backend connection cannot use. Only `BigInt`, `Integer`, `Text`,
//! `Binary`, `Bool` and `Timestamp` appear here; the migrations in `migrations/mysql` and
//! `migrations/sqlite` must produce tables that match it.

diesel::table! {
    /// Accounts. `email` is the normalised address (unique); `display_email` is where mail goes.
    users (id) {
        id -> BigInt,
        email -> Text,
        display_email -> Text,
        password_hash -> Nullable<Text>,
        auth_epoch -> BigInt,
        resets_paused_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Single-use tokens; only a keyed hash of each secret is stored.
    tokens (id) {
        id -> BigInt,
        purpose -> Text,
        user_id -> BigInt,
        hash -> Binary,
        expires_at -> Timestamp,
        consumed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        created_ip -> Nullable<Text>,
    }
}

diesel::table! {
    /// The durable mail queue.
    outbox (id) {
        id -> BigInt,
        job_key -> Text,
        kind -> Text,
        payload -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Security-relevant events, per account where one is known.
    audit_events (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        kind -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        detail -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Fixed-window counters shared by every instance.
    throttles (key_hash) {
        key_hash -> Binary,
        window_start -> Timestamp,
        hits -> BigInt,
    }
}

diesel::table! {
    /// Messages kept by the development mailbox transport.
    mailbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        message_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Signed-in sessions; only a keyed hash of each cookie's secret is stored.
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        secret_hash -> Binary,
        auth_epoch -> BigInt,
        method -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// Admin API keys; only a keyed hash of each key is stored. (MySQL also has a generated
    /// `live_name` column behind the unique name of live keys; it is never read or written.)
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        key_id -> Text,
        secret_hash -> Binary,
        scopes -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The language each account last used, keyed by the directory's account id.
    account_languages (user_id) {
        user_id -> BigInt,
        lang -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Lifeline's state for accounts of an external directory (an account source), keyed
    /// by the source's kind and stable id for the entry; `id` is the account id tokens,
    /// sessions and audit events carry.
    external_accounts (id) {
        id -> BigInt,
        kind -> Text,
        external_id -> Text,
        email -> Text,
        display_email -> Text,
        auth_epoch -> BigInt,
        resets_paused_until -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(tokens -> users (user_id));
diesel::joinable!(audit_events -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    tokens,
    outbox,
    audit_events,
    throttles,
    mailbox,
    sessions,
    api_keys,
    account_languages,
    external_accounts
);
