# Lifeline's API error messages in German (formal: „Sie“).

## Any request
api-invalid-body = Der Inhalt der Anfrage passt nicht zu diesem Endpunkt: Senden Sie ein JSON-Objekt mit den dokumentierten Feldern.
api-unsupported-media-type = Senden Sie den Inhalt als application/json (UTF-8).
api-body-too-large = Der Inhalt der Anfrage ist zu groß.
api-not-found = Diesen Endpunkt gibt es nicht.
api-method-not-allowed = Dieser Endpunkt unterstützt diese Methode nicht.
api-csrf = Dieses Formular ist abgelaufen oder wurde nicht von dieser Website gesendet. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es noch einmal.
api-too-many = Es gab in kurzer Zeit zu viele Versuche, deshalb wurde dieser nicht ausgeführt. Versuchen Sie es in { $wait } noch einmal.
api-unavailable = Der Dienst ist ausgelastet oder kurz nicht erreichbar. Versuchen Sie es in { $wait } noch einmal.
api-internal = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es noch einmal.

## Links and sign-in
api-accepted-reset = Falls zu dieser Adresse ein Konto existiert, ist eine E-Mail mit einem Link unterwegs, mit dem Sie ein neues Passwort festlegen können.
api-accepted-magic-link = Falls zu dieser Adresse ein Konto existiert, ist eine E-Mail mit einem Anmeldelink unterwegs.
api-accepted-recovery = Eine E-Mail mit einem Link zum Festlegen eines neuen Passworts ist an die Adresse des Kontos unterwegs.
api-invalid-email = Diese E-Mail-Adresse ist ungültig.
api-invalid-link = Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Fordern Sie bitte einen neuen an.
api-other-browser = Öffnen Sie diesen Link in dem Browser, in dem Sie ihn angefordert haben.
api-invalid-credentials = E-Mail-Adresse und Passwort passen zu keinem Konto.
api-sign-in-first = Melden Sie sich zuerst an: Senden Sie das Sitzungs-Cookie oder ein Sitzungstoken mit.

## Admin API
api-key-required = Ein gültiger API-Schlüssel ist erforderlich: `Authorization: Bearer llk_…`.
api-insufficient-scope = Diesem API-Schlüssel fehlt die Berechtigung `{ $scope }`, die dieser Endpunkt verlangt.
api-key-query = Als Abfrageparameter ist nur ein `scope` erlaubt: read, write oder recovery.
api-invalid-query = Die Abfrageparameter passen nicht zu diesem Endpunkt: { $problem }.
api-audit-query = `limit` muss zwischen 1 und 100 liegen, und `before` muss die ID eines Ereignisses sein.
api-account-not-found = Zu dieser ID oder Adresse gibt es kein Konto.
api-session-not-found = Das Konto hat keine aktive Sitzung mit dieser ID.
api-account-exists = Ein Konto mit der Adresse { $email } gibt es bereits.
api-account-disabled = Dieses Konto ist deaktiviert, daher würde keiner seiner Links funktionieren. Aktivieren Sie es zuerst.
api-links-paused = Nach „Das war ich nicht“ sind die Links dieses Kontos bis { $until } pausiert. Heben Sie zuerst die Pause auf.
api-directory-create = Konten werden hier nicht angelegt, denn sie liegen in der Tabelle `{ $table }` der Anwendung ([directory] kind = "sql"). Legen Sie das Konto dort an.
api-directory-external = Konten werden hier nicht angelegt, denn sie liegen im Verzeichnis ([directory] kind = "{ $kind }"). Legen Sie den Eintrag dort an; sobald er eine E-Mail-Adresse hat, kann er Lifeline nutzen.
api-directory-delete = Die Konten liegen in der Tabelle `{ $table }` der Anwendung ([directory] kind = "sql"), auf die andere Tabellen der Anwendung verweisen können. Löschen Sie das Konto dort (seine Links funktionieren nicht mehr, sobald die Zeile fehlt), oder deaktivieren Sie es stattdessen.
api-directory-no-column = { $action ->
    [disable] Konten lassen sich nicht deaktivieren
   *[pause] Link-Anfragen lassen sich nicht pausieren oder wieder freigeben
}: Die Tabelle `{ $table }` der Anwendung hat dafür keine zugeordnete Spalte. Geben Sie dazu in { $setting } eine Zeitstempelspalte an, die NULL zulässt.
api-directory-no-state = { $action ->
    [disable] Konten lassen sich nicht deaktivieren
   *[pause] Link-Anfragen lassen sich nicht pausieren oder wieder freigeben
}: Das Verzeichnis speichert diesen Zustand nicht.
