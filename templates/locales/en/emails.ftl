# Lifeline's emails in English, the reference catalog: every other language translates exactly
# these messages, with the same variables. Each sentence serves the plain-text part and the
# HTML part alike; where the two differ (a button against a link to copy), there are two.
# $product is the configured product name; $time a moment already written for the language
# (see `datetime` in pages.ftl); $lifetime a span of time in words.

## Every email
mail-footer-auto = This is an automatic security message from { $product }. Replies are not read.
mail-footer-questions = Questions? Write to
mail-when = When: { $time }
mail-ip = IP address: { $ip }
mail-browser = Browser: { $browser }
mail-link-once = The link works once and expires in { $lifetime }.
mail-copy-link = If the button does not work, copy this address into your browser:
mail-if-you = If this was you, there is nothing else to do.
mail-not-me-button = This was not me
mail-new-password-button = Choose a new password

## Reset your password
mail-reset-subject = Reset your { $product } password
mail-reset-heading = Reset your password
mail-reset-intro = Someone (hopefully you) asked to reset the password of your { $product } account.
mail-reset-button-lead = Use the button below to choose a new password.
mail-reset-link-lead = Open this link to choose a new password:
mail-reset-ignore = Didn't ask for this? You can ignore this email; your password stays as it is.
mail-reset-not-me = To cancel every link sent to you and pause password resets and sign-in links for your account, tell us it wasn't you:

## Your password was changed
mail-changed-subject = Your { $product } password was changed
mail-changed-heading = Your password was changed
mail-changed-intro = The password of your { $product } account was just changed.
mail-changed-not-you = If this was NOT you, act now: open the link below and confirm. The new password stops working, every session is signed out, every link sent to you is cancelled, and we email you a link to choose a password of your own.

## Your sign-in link
mail-magic-subject = Your { $product } sign-in link
mail-magic-heading = Sign in to { $product }
mail-magic-button-lead = Use the button below to sign in. No password needed.
mail-magic-link-lead = Open this link to sign in:
mail-magic-button = Sign in
mail-magic-ignore = Didn't ask for this? You can ignore this email; nobody can sign in without the link.
mail-magic-not-me = To cancel every link sent to you and pause sign-in links for your account, tell us it wasn't you:

## New sign-in
mail-signin-subject = New sign-in to your { $product } account
mail-signin-heading = New sign-in by email link
mail-signin-intro = Someone just signed in to your { $product } account with a sign-in link sent to this address.
mail-signin-not-you = If this was NOT you, act now: the link below cancels every link sent to you, signs out every session and pauses sign-in links for your account.

## Your account is locked down
mail-locked-subject = Your { $product } account is locked down
mail-locked-heading = Your account is locked down
mail-locked-intro-change = You told us that you did not make the recent change of your { $product } password.
mail-locked-intro = You told us that a recent email from { $product } was not about something you did.
mail-locked-done = What we did:
mail-locked-voided = The password set in that change no longer works: nobody can sign in with it.
mail-locked-links = Every password reset and sign-in link sent to you stopped working.
mail-locked-sessions = Every session of your account was signed out.
mail-locked-paused = New password reset and sign-in links cannot be requested until { $until }.
mail-locked-cancelled = New password reset and sign-in links were cancelled.
mail-locked-next = What to do next: choose a new password with the link below. It works once, for { $lifetime }, even while requests are paused.
mail-locked-then = Then sign in with your new password.
mail-locked-kept = Your password was not changed: you can still sign in with it as usual.

## No account for this address
mail-none-subject = { $product }: no account for this address
mail-none-heading = No account for this address
mail-none-intro = Someone asked for a password reset or sign-in link for this email address at { $product }, but there is no { $product } account for it.
mail-none-you = If this was you, you may have signed up with a different email address; try that one.
mail-none-not-you = If this was not you, you can ignore this email. Nothing has changed.
