# The JSON API's error messages in English, the reference: every other language translates
# exactly these, with the same variables. Each is the `message` beside a stable `error`
# code: a sentence for the person using the client, who may read it; clients branch on
# the code. A refused new password says the pages' `password-…` messages.

## Any request
api-invalid-body = The request body is not valid for this endpoint: send a JSON object with the documented fields.
api-unsupported-media-type = Send the body as application/json (UTF-8).
api-body-too-large = The request body is too large.
api-not-found = There is no such endpoint.
api-method-not-allowed = This endpoint does not answer this method.
api-csrf = This form has expired or was not sent from this site. Go back, reload the page and try again.
api-too-many = There were too many attempts in a short time, so this one was not tried. Try again in { $wait }.
api-unavailable = The service is busy or briefly unavailable. Try again in { $wait }.
api-internal = Something went wrong on our side. Please try again.

## Links and sign-in
api-accepted-reset = If an account exists for this address, a reset link is on its way.
api-accepted-magic-link = If an account exists for this address, a sign-in link is on its way.
api-accepted-recovery = A reset link is on its way to the account's address.
api-invalid-email = The email address is not valid.
api-invalid-link = This link is invalid, expired or already used. Ask for a new one.
api-other-browser = Open this link in the browser where you asked for it.
api-invalid-credentials = That email address and password don't match an account.
api-sign-in-first = Sign in first: send the session cookie or a session token.

## Admin API
api-key-required = A valid API key is required: `Authorization: Bearer llk_…`.
api-insufficient-scope = This API key lacks the `{ $scope }` scope this endpoint needs.
api-key-query = The query string may hold one `scope`: read, write or recovery.
# $problem: what the query parser found, in its own (English) words.
api-invalid-query = The query string is not valid for this endpoint: { $problem }.
api-audit-query = `limit` is 1 to 100 and `before` an event id.
api-account-not-found = No account has this id or address.
api-session-not-found = The account has no live session with this id.
api-account-exists = An account with the address { $email } exists already.
api-account-disabled = This account is disabled, so none of its links would work. Enable it first.
# $until: a time in RFC 3339, UTC (2026-12-03T09:21:00Z).
api-links-paused = After "this wasn't me", this account's links are paused until { $until }. Lift the pause first.
api-directory-create = Accounts are not created here: they live in the application's table `{ $table }` ([directory] kind = "sql"). Create the account there.
# $kind: the directory.kind of the account source, e.g. ldap.
api-directory-external = Accounts are not created here: they live in the directory ([directory] kind = "{ $kind }"). Create the entry there; it can use Lifeline once it has a mail address.
api-directory-delete = The accounts live in the application's table `{ $table }` ([directory] kind = "sql"), which other tables of the application may reference. Delete the account there (its links stop working once the row is gone), or disable it instead.
# $setting: the setting that maps the missing column, e.g. directory.disabled_at_column.
api-directory-no-column = { $action ->
    [disable] Accounts cannot be disabled
   *[pause] Link requests cannot be paused or unpaused
}: the application's table `{ $table }` has no column mapped for it. To allow it, name a nullable timestamp column in { $setting }.
api-directory-no-state = { $action ->
    [disable] Accounts cannot be disabled
   *[pause] Link requests cannot be paused or unpaused
}: the directory keeps no such state.
