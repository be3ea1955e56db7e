# Lifeline's emails in German (formal: „Sie“): a translation of the English reference catalog,
# with the same messages and variables. $time and $until come from `datetime` in pages.ftl;
# $lifetime is a span of time in words, e.g. "30 Minuten".

## Every email
mail-footer-auto = Dies ist eine automatische Sicherheitsnachricht von { $product }. Antworten werden nicht gelesen.
mail-footer-questions = Haben Sie Fragen? Schreiben Sie an
mail-when = Zeitpunkt: { $time }
mail-ip = IP-Adresse: { $ip }
mail-browser = Browser: { $browser }
mail-link-once = Der Link funktioniert nur einmal und läuft in { $lifetime } ab.
mail-copy-link = Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:
mail-if-you = Wenn Sie das waren, müssen Sie nichts weiter tun.
mail-not-me-button = Das war ich nicht
mail-new-password-button = Neues Passwort festlegen

## Reset your password
mail-reset-subject = Ihr Passwort für { $product } zurücksetzen
mail-reset-heading = Passwort zurücksetzen
mail-reset-intro = Jemand (hoffentlich Sie) möchte das Passwort Ihres Kontos bei { $product } zurücksetzen.
mail-reset-button-lead = Über die Schaltfläche unten können Sie ein neues Passwort festlegen.
mail-reset-link-lead = Öffnen Sie diesen Link, um ein neues Passwort festzulegen:
mail-reset-ignore = Sie haben das nicht angefordert? Dann können Sie diese E-Mail ignorieren; Ihr Passwort bleibt, wie es ist.
mail-reset-not-me = Um alle Links, die wir Ihnen geschickt haben, ungültig zu machen und das Zurücksetzen des Passworts sowie Anmeldelinks für Ihr Konto zu pausieren, teilen Sie uns mit, dass Sie es nicht waren:

## Your password was changed
mail-changed-subject = Ihr Passwort für { $product } wurde geändert
mail-changed-heading = Ihr Passwort wurde geändert
mail-changed-intro = Das Passwort Ihres Kontos bei { $product } wurde soeben geändert.
mail-changed-not-you = Wenn Sie das NICHT waren, handeln Sie sofort: Öffnen Sie den Link unten und bestätigen Sie dort. Das neue Passwort funktioniert dann nicht mehr, alle Sitzungen werden abgemeldet, alle Links, die wir Ihnen geschickt haben, werden ungültig, und wir schicken Ihnen per E-Mail einen Link, mit dem Sie ein eigenes Passwort festlegen.

## Your sign-in link
mail-magic-subject = Ihr Anmeldelink für { $product }
mail-magic-heading = Bei { $product } anmelden
mail-magic-button-lead = Melden Sie sich über die Schaltfläche unten an – ganz ohne Passwort.
mail-magic-link-lead = Öffnen Sie diesen Link, um sich anzumelden:
mail-magic-button = Anmelden
mail-magic-ignore = Sie haben das nicht angefordert? Dann können Sie diese E-Mail ignorieren; ohne den Link kann sich niemand anmelden.
mail-magic-not-me = Um alle Links, die wir Ihnen geschickt haben, ungültig zu machen und Anmeldelinks für Ihr Konto zu pausieren, teilen Sie uns mit, dass Sie es nicht waren:

## New sign-in
mail-signin-subject = Neue Anmeldung mit Ihrem Konto bei { $product }
mail-signin-heading = Neue Anmeldung per E-Mail-Link
mail-signin-intro = Soeben hat sich jemand mit Ihrem Konto bei { $product } angemeldet, und zwar über einen Anmeldelink, der an diese Adresse geschickt wurde.
mail-signin-not-you = Wenn Sie das NICHT waren, handeln Sie sofort: Der Link unten macht alle Links ungültig, die wir Ihnen geschickt haben, meldet alle Sitzungen ab und pausiert Anmeldelinks für Ihr Konto.

## Your account is locked down
mail-locked-subject = Ihr Konto bei { $product } ist gesperrt
mail-locked-heading = Ihr Konto ist gesperrt
mail-locked-intro-change = Sie haben uns mitgeteilt, dass die letzte Änderung Ihres Passworts bei { $product } nicht von Ihnen stammt.
mail-locked-intro = Sie haben uns mitgeteilt, dass eine E-Mail, die Sie kürzlich von { $product } erhalten haben, nicht auf eine Aktion von Ihnen zurückgeht.
mail-locked-done = Das haben wir getan:
mail-locked-voided = Das bei dieser Änderung festgelegte Passwort funktioniert nicht mehr: Niemand kann sich damit anmelden.
mail-locked-links = Alle Links zum Zurücksetzen des Passworts und zum Anmelden, die wir Ihnen geschickt haben, funktionieren nicht mehr.
mail-locked-sessions = Alle Sitzungen Ihres Kontos wurden abgemeldet.
mail-locked-paused = Bis zum { $until } können keine neuen Links zum Zurücksetzen des Passworts oder zum Anmelden angefordert werden.
mail-locked-cancelled = Neue Links zum Zurücksetzen des Passworts und zum Anmelden wurden storniert.
mail-locked-next = So geht es weiter: Legen Sie über den Link unten ein neues Passwort fest. Er funktioniert einmal und ist { $lifetime } gültig, auch während Anfragen pausiert sind.
mail-locked-then = Melden Sie sich anschließend mit Ihrem neuen Passwort an.
mail-locked-kept = Ihr Passwort wurde nicht geändert: Sie können sich weiterhin wie gewohnt damit anmelden.

## No account for this address
mail-none-subject = { $product }: Kein Konto zu dieser Adresse
mail-none-heading = Kein Konto zu dieser Adresse
mail-none-intro = Jemand hat bei { $product } für diese E-Mail-Adresse einen Link zum Zurücksetzen des Passworts oder zum Anmelden angefordert, aber zu dieser Adresse gibt es kein Konto bei { $product }.
mail-none-you = Wenn Sie das waren, haben Sie sich vielleicht mit einer anderen E-Mail-Adresse registriert. Versuchen Sie es mit jener Adresse.
mail-none-not-you = Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren. Es wurde nichts geändert.
