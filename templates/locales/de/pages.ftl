# Lifeline's pages in German (formal: „Sie“).

language-name = Deutsch
language-switch = Sprache

## Layout
footer-help = Brauchen Sie Hilfe? Schreiben Sie an

## Forgot password
forgot-title = Passwort vergessen?
forgot-intro = Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir senden Ihnen dann einen Link, mit dem Sie ein neues Passwort festlegen können.
email-label = E-Mail-Adresse
forgot-submit = Link senden
back-to-sign-in = Zurück zur Anmeldung
email-invalid = Bitte geben Sie Ihre E-Mail-Adresse ein, z. B. name@example.com.

## Check your inbox
check-inbox-title = Sehen Sie in Ihr Postfach
check-inbox-sent = { $what ->
    [reset] Falls zu dieser Adresse ein Konto existiert, haben wir ihr eine E-Mail mit einem Link geschickt, mit dem Sie ein neues Passwort festlegen können.
    [sign-in] Falls zu dieser Adresse ein Konto existiert, haben wir ihr eine E-Mail mit einem Anmeldelink geschickt.
   *[other] Falls zu dieser Adresse ein Konto existiert, haben wir ihr eine E-Mail mit einem Link geschickt.
}
check-inbox-lifetime = Der Link funktioniert einmal und ist ab jetzt { $lifetime } gültig. Danach fordern Sie bitte einen neuen an.
check-inbox-spam = Nach ein paar Minuten noch nichts angekommen? Sehen Sie im Spam-Ordner nach oder
ask-new-link-lower = fordern Sie einen neuen Link an
remembered-password = Passwort wieder eingefallen?
sign-in-link = Anmelden

## Durations
duration-seconds = { $count ->
    [one] { $count } Sekunde
   *[other] { $count } Sekunden
}
duration-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
}
duration-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
}
# A moment, e.g. "4. Dezember 2026, 10:15 UTC": $day, $month (1 to 12) and $year are numbers,
# $time is "10:15" and $zone the zone's name.
datetime = { $day }. { $month ->
    [1] Januar
    [2] Februar
    [3] März
    [4] April
    [5] Mai
    [6] Juni
    [7] Juli
    [8] August
    [9] September
    [10] Oktober
    [11] November
   *[12] Dezember
} { $year }, { $time } { $zone }

## Links that do not work
link-invalid-title = Dieser Link funktioniert nicht
link-invalid-body = { $what ->
    [reset] Dieser Link zum Zurücksetzen des Passworts kann nicht verwendet werden.
    [sign-in] Dieser Anmeldelink kann nicht verwendet werden.
   *[other] Dieser Link kann nicht verwendet werden.
} Vielleicht ist er abgelaufen, wurde schon benutzt oder durch einen neueren Link ersetzt. Zu Ihrer Sicherheit funktioniert jeder Link nur einmal und nur für kurze Zeit. Es wurde nichts geändert.
link-invalid-next = So geht es weiter: Fordern Sie einen neuen Link an und öffnen Sie die neueste E-Mail, die wir Ihnen schicken.
ask-new-link = Neuen Link anfordern
know-password = Sie kennen Ihr Passwort?
other-browser-title = Öffnen Sie diesen Link in dem Browser, in dem Sie ihn angefordert haben
other-browser-body = Zu Ihrer Sicherheit funktioniert ein Anmeldelink nur in dem Browser, in dem Sie ihn angefordert haben. Kopieren Sie den Link aus der E-Mail in diesen Browser oder fordern Sie hier einen neuen Link an.

## Sign in
sign-in-title = Anmelden
password-label = Passwort
sign-in-with-link-instead = Stattdessen mit einem Link anmelden
forgot-link = Passwort vergessen?
sign-in-failed = E-Mail-Adresse und Passwort passen zu keinem Konto.

## Magic link
magic-link-title = Mit einem Link anmelden
magic-link-intro = Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir senden Ihnen einen Link, über den Sie sich anmelden – ganz ohne Passwort.
magic-link-same-browser = Öffnen Sie den Link in diesem Browser: Er funktioniert nur dort, wo Sie ihn angefordert haben.
magic-link-submit = Anmeldelink per E-Mail senden
sign-in-with-password-instead = Stattdessen mit Passwort anmelden
magic-verify-about = Sie melden sich gleich an als
magic-verify-press = Klicken Sie auf die Schaltfläche, um sich anzumelden. Der Link in Ihrer E-Mail ist danach nicht mehr gültig; er funktioniert nur einmal.
magic-verify-not-you = Sie haben das nicht angefordert? Schließen Sie diese Seite; solange Sie nicht auf die Schaltfläche klicken, passiert nichts.

## Reset form
reset-title = Neues Passwort festlegen
for-account = Für das Konto
password-hint = Verwenden Sie mindestens { $min } Zeichen. Lange Passphrasen kann man sich am leichtesten merken.
reset-signs-in = Sobald Sie es speichern, werden alle Browser, die bei diesem Konto angemeldet sind, abgemeldet, und dieser wird mit dem neuen Passwort angemeldet. Der Link in Ihrer E-Mail ist danach nicht mehr gültig.
reset-signs-out = Sobald Sie es speichern, werden alle Browser, die bei diesem Konto angemeldet sind, abgemeldet, und Sie melden sich mit dem neuen Passwort neu an. Der Link in Ihrer E-Mail ist danach nicht mehr gültig.
new-password-label = Neues Passwort
repeat-password-label = Neues Passwort wiederholen
reset-submit = Neues Passwort speichern
notice-sign-in-after-reset = Ihr Passwort wurde geändert. Melden Sie sich mit Ihrem neuen Passwort an.
notice-signed-in-after-reset = Ihr Passwort wurde geändert; andere Sitzungen wurden abgemeldet. Sie sind angemeldet.

password-too-short = Verwenden Sie mindestens { $min } Zeichen.
password-too-long = Verwenden Sie höchstens { $max } Zeichen.
password-common = Dieses Passwort gehört zu den am häufigsten verwendeten und ist daher leicht zu erraten. Wählen Sie bitte ein anderes.
password-same-as-email = Ihr Passwort darf nicht Ihre E-Mail-Adresse sein.
password-mismatch = Die beiden Passwörter stimmen nicht überein.
password-directory-too-short = Das Verzeichnis verlangt ein längeres Passwort. Wählen Sie bitte ein längeres.
password-directory-too-weak = Das Verzeichnis hält dieses Passwort für zu leicht zu erraten. Wählen Sie bitte ein stärkeres.
password-directory-recently-used = Dieses Passwort wurde vor Kurzem verwendet. Wählen Sie bitte eines, das Sie noch nicht verwendet haben.
password-directory-too-soon = Das Passwort wurde erst vor Kurzem geändert und kann noch nicht wieder geändert werden. Versuchen Sie es später erneut.
password-directory-not-allowed = Das Verzeichnis erlaubt nicht, das Passwort dieses Kontos hier zu ändern. Wenden Sie sich an Ihre Administration.
password-directory-refused = Das Verzeichnis hat dieses Passwort abgelehnt. Wählen Sie bitte ein anderes.

## Account
account-title = Ihr Konto
signed-in-as = Sie sind angemeldet als
pause-heading = Links zum Zurücksetzen und Anmelden sind pausiert
pause-until = Nach „Das war ich nicht“ wird für dieses Konto kein neuer Link zum Zurücksetzen des Passworts oder zum Anmelden verschickt, bis
pause-remaining = (noch etwa { $remaining }). Bis dahin löst eine Anfrage keine E-Mail aus.
pause-can-change = Sie sind angemeldet und können Ihr Passwort daher weiterhin über den Link unten ändern.
change-password-link = Passwort ändern
events-heading = Letzte Sicherheitsereignisse
event-from = von { $ip }
see-sessions = Sehen, wo Sie angemeldet sind
event-password-reset = Passwort über einen Link zum Zurücksetzen geändert
event-sign-in = Mit Passwort angemeldet
event-password-changed = Passwort im angemeldeten Zustand geändert
event-magic-link = Mit einem E-Mail-Link angemeldet
event-not-me = Nach „Das war ich nicht“ gesperrt: Links ungültig, Sitzungen abgemeldet
event-other = Sicherheitsereignis
sign-out = Abmelden

## Change password
change-password-title = Passwort ändern
set-password-title = Passwort festlegen
change-password-intro = Wenn Sie es ändern, werden alle anderen Browser, die bei diesem Konto angemeldet sind, abgemeldet; dieser bleibt angemeldet. Wir bestätigen Ihnen die Änderung per E-Mail.
current-password-label = Aktuelles Passwort
change-password-submit = Passwort ändern
no-password-yet = hat noch kein Passwort: Sie melden sich über E-Mail-Links an.
your-account = Ihr Konto
set-password-how = Um ein Passwort festzulegen, fordern Sie einen Link zum Zurücksetzen an. Er geht an { $email }, sodass nur die Person mit Zugang zu diesem Postfach ein Passwort festlegen kann.
set-password-button = Link zum Festlegen eines Passworts senden
back-to-account = Zurück zu Ihrem Konto
notice-password-changed = Ihr Passwort wurde geändert; andere Sitzungen wurden abgemeldet.
current-password-wrong = Das ist nicht Ihr aktuelles Passwort. Es wurde nichts geändert; bitte geben Sie es noch einmal ein.

## Sessions
sessions-title = Ihre Sitzungen
sessions-intro = Diese Browser sind als { $email } angemeldet. Wenn Sie einen davon nicht kennen, melden Sie ihn ab und ändern Sie Ihr Passwort. Alle Zeiten in UTC; eine Sitzung endet nach 12 Stunden ohne Nutzung.
browser-description = { $name ->
    [none] { $os ->
        [none] Unbekannter Browser
       *[other] Ein Browser unter { $os }
    }
   *[other] { $os ->
        [none] { $name }
       *[other] { $name } unter { $os }
    }
}
this-browser = (dieser Browser)
session-signed-in = Angemeldet { $method ->
    [password] mit Passwort
    [link] mit einem E-Mail-Link
   *[reset] nach dem Zurücksetzen des Passworts
}{ $ip ->
    [none] {""}
   *[other] {" "}von { $ip }
},
session-last-seen = Zuletzt aktiv
session-sign-out-label = { $browser } abmelden, zuletzt aktiv { $seen }
sign-out-everywhere-else = Überall sonst abmelden
no-other-sessions = Kein anderer Browser ist angemeldet.
notice-session-signed-out = Diese Sitzung ist abgemeldet.
notice-others-signed-out = { $count ->
    [0] Es war keine andere Sitzung angemeldet.
    [one] { $count } andere Sitzung wurde abgemeldet.
   *[other] { $count } andere Sitzungen wurden abgemeldet.
}
session-not-yours = Diese Sitzung gehört nicht zu Ihren aktiven Sitzungen.

## "This wasn't me"
not-me-changed-title = Eine Passwortänderung rückgängig machen, die nicht von Ihnen stammt
not-me-links-title = Links stornieren, die Sie nicht angefordert haben
not-me-changed-intro = Das Passwort von { $email } wurde geändert. Wenn Sie es nicht geändert haben, klicken Sie auf die Schaltfläche unten. Damit wird:
not-me-stop-password = das neue Passwort sofort ungültig: Niemand kann sich mehr damit anmelden,
not-me-sign-out-all-including = jede Sitzung abgemeldet, auch die, in der es geändert wurde,
not-me-cancel-links = jeder Link ungültig, den wir Ihnen geschickt haben,
not-me-pause = für { $pause } keine neue Anfrage nach Links zum Zurücksetzen oder Anmelden angenommen,
not-me-pause-last = für { $pause } keine neue Anfrage nach Links zum Zurücksetzen oder Anmelden angenommen.
not-me-recovery = Ihnen – nur an diese Adresse – ein Link geschickt, mit dem Sie ein neues Passwort festlegen. Dieser Link ist { $lifetime } gültig, auch während Anfragen pausiert sind.
not-me-links-intro = Wir haben { $email } einen Link zum Zurücksetzen des Passworts oder zum Anmelden geschickt. Wenn Sie ihn nicht angefordert haben, klicken Sie auf die Schaltfläche unten. Damit wird:
not-me-sign-out-all = jede Sitzung abgemeldet,
not-me-password-stays = Ihr Passwort bleibt, wie es ist: Sie können sich weiterhin damit anmelden.
not-me-changed-submit = Neues Passwort stoppen und Konto sperren
not-me-links-submit = Links stornieren und Konto sperren
locked-title = Ihr Konto ist gesperrt
locked-voided = Das neue Passwort funktioniert nicht mehr, alle Sitzungen sind abgemeldet und alle Links, die wir Ihnen geschickt haben, sind ungültig.
next-steps = So geht es weiter
locked-check-inbox = Suchen Sie in Ihrem Postfach nach unserer E-Mail „Ihr Konto ist gesperrt“. Sie enthält einen Link, mit dem Sie ein neues Passwort festlegen; der Link ist { $lifetime } gültig.
locked-choose = Legen Sie mit diesem Link ein neues Passwort fest.
locked-sign-in-new = mit Ihrem neuen Passwort an.
locked-links = Alle Links, die wir Ihnen geschickt haben, sind ungültig, und alle Sitzungen sind abgemeldet. Für { $pause } können keine neuen Links zum Zurücksetzen oder Anmelden angefordert werden. Wir haben Ihnen eine Bestätigung per E-Mail geschickt.
locked-password-kept = Ihr Passwort wurde nicht geändert:
locked-sign-in-as-usual = wie gewohnt damit an.
locked-new-sign-in-link = Melden Sie sich
locked-kept-sign-in-link = Melden Sie sich
error-sign-in = anmelden
if-know-password-link = melden Sie sich an
not-me-invalid-body = Ein „Das war ich nicht“-Link funktioniert einmal und 24 Stunden lang. Wenn Sie die Schaltfläche schon geklickt haben, ist Ihr Konto bereits gesperrt: Unsere E-Mail „Ihr Konto ist gesperrt“ erklärt, was geschehen ist und wie es weitergeht.
not-me-invalid-expired = Ist der Link dagegen abgelaufen, wurde nichts geändert.
if-know-password = Wenn Sie Ihr Passwort kennen,
if-cannot-sign-in = Wenn Sie sich nicht anmelden können, schreiben Sie an

## Development mailbox
mailbox-title = Entwicklungs-Postfach
mailbox-intro = Mit dem Transport „mailbox“ verschickte E-Mails. Im Produktivbetrieb gibt es diese Seite nicht.
mailbox-to = an { $recipient } · { $at }
mailbox-empty = Noch keine E-Mails.
mailbox-ask-reset = Link zum Zurücksetzen anfordern
mailbox-back = ← Postfach
mailbox-links = Links in dieser Nachricht:
mailbox-html-part = HTML-Teil
mailbox-html-sandbox = So, wie ein E-Mail-Programm ihn zeigt, in einer Sandbox: Es läuft kein Skript, und Links öffnen sich in einem neuen Tab.
mailbox-html-title = HTML-Teil von { $subject }
mailbox-text-part = Textteil
mailbox-no-message = Diese Nachricht gibt es nicht.
mailbox-no-html = Diese Nachricht hat keinen HTML-Teil.

## Error pages
error-start-again = Von vorn beginnen
error-or = oder
error-csrf = Dieses Formular ist abgelaufen oder wurde nicht von dieser Website gesendet. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es noch einmal.
error-too-many = Es gab in kurzer Zeit zu viele Versuche, deshalb wurde dieser nicht ausgeführt. Versuchen Sie es in { $wait } noch einmal.
error-unavailable = Der Dienst ist ausgelastet oder kurz nicht erreichbar. Versuchen Sie es in { $wait } noch einmal.
error-internal = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es noch einmal.
error-not-found = Hier gibt es nichts.
error-method = Diese Seite lässt sich so nicht verwenden.
error-form-type = Senden Sie das Formular als application/x-www-form-urlencoded in UTF-8.
error-too-large = Das Formular ist zu groß.
error-unreadable = Das Formular konnte nicht gelesen werden. Laden Sie die Seite neu und versuchen Sie es noch einmal.
error-bad-address = Diese Adresse ist ungültig.
error-other = Diese Anfrage konnte nicht bearbeitet werden.
error-unknown-language = Diese Sprache wird hier nicht angeboten. Wählen Sie eine aus der Liste unten auf der Seite.
error-another-link = Nachdem diese Seite angezeigt wurde, ist in diesem Browser ein anderer Link geöffnet worden. Die Seite gilt jetzt für diesen Link: Prüfen Sie das Konto und versuchen Sie es dann noch einmal.
status-400 = Ungültige Anfrage
status-403 = Nicht erlaubt
status-404 = Nicht gefunden
status-405 = Methode nicht erlaubt
status-408 = Zeitüberschreitung
status-413 = Anfrage zu groß
status-415 = Format nicht unterstützt
status-429 = Zu viele Anfragen
status-500 = Interner Fehler
status-503 = Dienst nicht verfügbar
status-other = Fehler
