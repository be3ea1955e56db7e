# Lifeline's pages in English, the reference catalog: every other language translates
# exactly these messages, with the same variables.

language-name = English
language-switch = Language

## Layout
footer-help = Need help? Write to

## Forgot password
forgot-title = Forgot your password?
forgot-intro = Enter the email address of your account and we'll send you a link to choose a new password.
email-label = Email address
forgot-submit = Send me a link
back-to-sign-in = Back to sign in
email-invalid = Enter your email address, like name@example.com.

## Check your inbox
check-inbox-title = Check your inbox
check-inbox-sent = { $what ->
    [reset] If an account exists for that address, we've sent it an email with a link to choose a new password.
    [sign-in] If an account exists for that address, we've sent it an email with a sign-in link.
   *[other] If an account exists for that address, we've sent it an email with a link.
}
check-inbox-lifetime = The link works once, for { $lifetime } from now. After that, ask for a new one.
check-inbox-spam = Nothing there after a few minutes? Look in your spam folder, or
ask-new-link-lower = ask for a new link
remembered-password = Remembered your password?
sign-in-link = Sign in

## Durations
duration-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
# A moment, e.g. "4 December 2026, 10:15 UTC": $day, $month (1 to 12) and $year are numbers,
# $time is "10:15" and $zone the zone's name.
datetime = { $day } { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }, { $time } { $zone }

## Links that do not work
link-invalid-title = This link doesn't work
link-invalid-body = { $what ->
    [reset] This password-reset link can't be used.
    [sign-in] This sign-in link can't be used.
   *[other] This link can't be used.
} It may have expired, been used already, or been replaced by a newer link. For your safety, each link works only once and for a short time. Nothing was changed.
link-invalid-next = What to do next: ask for a new link and open the newest email we send you.
ask-new-link = Ask for a new link
know-password = Know your password?
other-browser-title = Open this link in the browser where you asked for it
other-browser-body = For your safety, a sign-in link works only in the browser where you asked for it. Copy the link from the email into that browser, or ask for a new link here.

## Sign in
sign-in-title = Sign in
password-label = Password
sign-in-with-link-instead = Sign in with a link instead
forgot-link = Forgot your password?
sign-in-failed = That email address and password don't match an account.

## Magic link
magic-link-title = Sign in with a link
magic-link-intro = Enter the email address of your account and we'll send you a link that signs you in. No password needed.
magic-link-same-browser = Open the link in this browser: it works only where you asked for it.
magic-link-submit = Email me a sign-in link
sign-in-with-password-instead = Sign in with your password instead
magic-verify-about = You are about to sign in as
magic-verify-press = Press the button to sign in. The link in your email then stops working; it works only once.
magic-verify-not-you = Didn't ask for this? Close this page; nothing happens until you press the button.

## Reset form
reset-title = Choose a new password
for-account = For the account
password-hint = Use at least { $min } characters. Long passphrases are easiest to remember.
reset-signs-in = When you save it, every browser signed in to this account is signed out and this one is signed in with the new password. The link in your email then stops working.
reset-signs-out = When you save it, every browser signed in to this account is signed out, and you sign in again with the new password. The link in your email then stops working.
new-password-label = New password
repeat-password-label = Repeat the new password
reset-submit = Set new password
notice-sign-in-after-reset = Your password was changed. Sign in with your new password.
notice-signed-in-after-reset = Your password was changed; other sessions were signed out. You are signed in.

password-too-short = Use at least { $min } characters.
password-too-long = Use at most { $max } characters.
password-common = This password is one of the most commonly used passwords, so it is easy to guess. Choose another one.
password-same-as-email = Your password can't be your email address.
password-mismatch = The two passwords don't match.
password-directory-too-short = The directory requires a longer password. Choose a longer one.
password-directory-too-weak = The directory finds this password too easy to guess. Choose a stronger one.
password-directory-recently-used = This password was used recently. Choose one you have not used before.
password-directory-too-soon = The password was changed too recently to change it again yet. Try again later.
password-directory-not-allowed = The directory does not allow this account's password to be changed here. Ask your administrator.
password-directory-refused = The directory refused this password. Choose another one.

## Account
account-title = Your account
signed-in-as = You are signed in as
pause-heading = Reset and sign-in links are paused
pause-until = After "this wasn't me", no new password-reset or sign-in link is sent for this account until
pause-remaining = (in about { $remaining }). Until then, asking for a link sends no email.
pause-can-change = You are signed in, so you can still change your password with the link below.
change-password-link = Change password
events-heading = Recent security events
event-from = from { $ip }
see-sessions = See where you are signed in
event-password-reset = Password changed with a reset link
event-sign-in = Signed in with a password
event-password-changed = Password changed while signed in
event-magic-link = Signed in with an email link
event-not-me = Locked down after "this wasn't me": links voided, sessions signed out
event-other = Security event
sign-out = Sign out

## Change password
change-password-title = Change your password
set-password-title = Set a password
change-password-intro = When you change it, every other browser signed in to this account is signed out; this one stays signed in. We'll email you to say it changed.
current-password-label = Current password
change-password-submit = Change password
no-password-yet = has no password yet: you sign in with email links.
your-account = Your account
set-password-how = To set a password, ask for a reset link. It goes to { $email }, so only the owner of that mailbox can set one.
set-password-button = Email me a link to set a password
back-to-account = Back to your account
notice-password-changed = Your password was changed; other sessions were signed out.
current-password-wrong = That is not your current password. Nothing was changed; type it again.

## Sessions
sessions-title = Your sessions
sessions-intro = These browsers are signed in as { $email }. If you don't recognise one, sign it out and change your password. Times are in UTC; a session ends after 12 hours without use.
browser-description = { $name ->
    [none] { $os ->
        [none] Unknown browser
       *[other] A browser on { $os }
    }
   *[other] { $os ->
        [none] { $name }
       *[other] { $name } on { $os }
    }
}
this-browser = (this browser)
session-signed-in = Signed in { $method ->
    [password] with a password
    [link] with an email link
   *[reset] after a password reset
}{ $ip ->
    [none] {""}
   *[other] {" "}from { $ip }
},
session-last-seen = Last seen
# A button's name for screen readers; it must contain the button's visible text
# (sign-out), word for word, so a person using speech can say what they see.
session-sign-out-label = Sign out { $browser }, last seen { $seen }
sign-out-everywhere-else = Sign out everywhere else
no-other-sessions = No other browser is signed in.
notice-session-signed-out = That session is signed out.
notice-others-signed-out = { $count ->
    [0] No other session was signed in.
    [one] { $count } other session is signed out.
   *[other] { $count } other sessions are signed out.
}
session-not-yours = That session is not one of your active sessions.

## "This wasn't me"
not-me-changed-title = Undo a password change you did not make
not-me-links-title = Cancel links you did not ask for
not-me-changed-intro = The password of { $email } was changed. If you did not change it, press the button below. It will:
not-me-stop-password = stop the new password from working, at once: nobody can sign in with it,
not-me-sign-out-all-including = sign out every session, including the one that changed it,
not-me-cancel-links = cancel every link we have sent you,
not-me-pause = pause new reset and sign-in link requests for { $pause },
not-me-pause-last = pause new reset and sign-in link requests for { $pause }.
not-me-recovery = email you, at this address only, a link to choose a new password. That link works for { $lifetime }, even while requests are paused.
not-me-links-intro = We sent { $email } a password reset or sign-in link. If you did not ask for it, press the button below. It will:
not-me-sign-out-all = sign out every session,
not-me-password-stays = Your password stays as it is: you can still sign in with it.
not-me-changed-submit = Stop the new password and lock my account
not-me-links-submit = Cancel the links and lock my account
locked-title = Your account is locked down
locked-voided = The new password no longer works, every session is signed out and every link we sent you is cancelled.
next-steps = What to do next
locked-check-inbox = Check your inbox for our email "Your account is locked down". It has a link to choose a new password; the link works for { $lifetime }.
locked-choose = Choose a new password with that link.
locked-sign-in-new = with your new password.
locked-links = Every link we sent you is cancelled and every session is signed out. No new reset and sign-in links can be requested for { $pause }. We have emailed you a confirmation.
locked-password-kept = Your password was not changed:
locked-sign-in-as-usual = with it as usual.
locked-new-sign-in-link = Sign in
locked-kept-sign-in-link = sign in
error-sign-in = sign in
if-know-password-link = sign in
not-me-invalid-body = A "this wasn't me" link works once, for 24 hours. If you already pressed its button, your account is already locked down: our email "Your account is locked down" says what was done and what to do next.
not-me-invalid-expired = If the link expired instead, nothing was changed.
if-know-password = If you know your password,
if-cannot-sign-in = If you cannot sign in, write to

## Development mailbox
mailbox-title = Development mailbox
mailbox-intro = Mail sent with the mailbox transport. This page does not exist in production mode.
mailbox-to = to { $recipient } · { $at }
mailbox-empty = No mail yet.
mailbox-ask-reset = Ask for a reset link
mailbox-back = ← Mailbox
mailbox-links = Links in this message:
mailbox-html-part = HTML part
mailbox-html-sandbox = As a mail client shows it, in a sandbox: no script runs, and a link opens in a new tab.
mailbox-html-title = HTML part of { $subject }
mailbox-text-part = Text part
mailbox-no-message = There is no such message.
mailbox-no-html = This message has no HTML part.

## Error pages
error-start-again = Start again
error-or = or
error-csrf = This form has expired or was not sent from this site. Go back, reload the page and try again.
error-too-many = There were too many attempts in a short time, so this one was not tried. Try again in { $wait }.
error-unavailable = The service is busy or briefly unavailable. Try again in { $wait }.
error-internal = Something went wrong on our side. Please try again.
error-not-found = There is nothing here.
error-method = This page cannot be used that way.
error-form-type = Send the form as application/x-www-form-urlencoded in UTF-8.
error-too-large = The form is too large.
error-unreadable = The form could not be read. Reload the page and try again.
error-bad-address = This address is not valid.
error-other = This request could not be handled.
error-unknown-language = This language is not offered here. Choose one from the list at the bottom of the page.
error-another-link = Another link was opened in this browser after this page was shown. This page is now for that link: check the account, then try again.
status-400 = Bad Request
status-403 = Forbidden
status-404 = Not Found
status-405 = Method Not Allowed
status-408 = Request Timeout
status-413 = Payload Too Large
status-415 = Unsupported Media Type
status-429 = Too Many Requests
status-500 = Internal Server Error
status-503 = Service Unavailable
status-other = Error
