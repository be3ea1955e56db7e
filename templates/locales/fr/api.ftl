# Lifeline's API error messages in French (vouvoiement).

## Any request
api-invalid-body = Le corps de la requête ne convient pas à ce point d’accès : envoyez un objet JSON avec les champs documentés.
api-unsupported-media-type = Envoyez le corps au format application/json (UTF-8).
api-body-too-large = Le corps de la requête est trop volumineux.
api-not-found = Ce point d’accès n’existe pas.
api-method-not-allowed = Ce point d’accès n’accepte pas cette méthode.
api-csrf = Ce formulaire a expiré ou n’a pas été envoyé depuis ce site. Revenez en arrière, rechargez la page et réessayez.
api-too-many = Il y a eu trop de tentatives en peu de temps : celle-ci n’a donc pas été traitée. Réessayez dans { $wait }.
api-unavailable = Le service est surchargé ou brièvement indisponible. Réessayez dans { $wait }.
api-internal = Une erreur s’est produite de notre côté. Veuillez réessayer.

## Links and sign-in
api-accepted-reset = Si un compte existe pour cette adresse, un e-mail contenant un lien pour choisir un nouveau mot de passe va lui être envoyé.
api-accepted-magic-link = Si un compte existe pour cette adresse, un e-mail contenant un lien de connexion va lui être envoyé.
api-accepted-recovery = Un e-mail contenant un lien pour choisir un nouveau mot de passe va être envoyé à l’adresse du compte.
api-invalid-email = Cette adresse e-mail n’est pas valide.
api-invalid-link = Ce lien n’est pas valide, a expiré ou a déjà servi. Demandez-en un nouveau.
api-other-browser = Ouvrez ce lien dans le navigateur où vous l’avez demandé.
api-invalid-credentials = Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte.
api-sign-in-first = Connectez-vous d’abord : envoyez le cookie de session ou un jeton de session.

## Admin API
api-key-required = Une clé d’API valide est nécessaire : `Authorization: Bearer llk_…`.
api-insufficient-scope = Il manque à cette clé d’API la portée `{ $scope }` qu’exige ce point d’accès.
api-key-query = La chaîne de requête ne peut contenir qu’un paramètre `scope` : read, write ou recovery.
api-invalid-query = La chaîne de requête ne convient pas à ce point d’accès : { $problem }.
api-audit-query = `limit` doit être compris entre 1 et 100, et `before` doit être l’identifiant d’un événement.
api-account-not-found = Aucun compte n’a cet identifiant ou cette adresse.
api-session-not-found = Ce compte n’a aucune session active avec cet identifiant.
api-account-exists = Un compte avec l’adresse { $email } existe déjà.
api-account-disabled = Ce compte est désactivé : aucun de ses liens ne fonctionnerait. Réactivez-le d’abord.
api-links-paused = Après « Ce n’était pas moi », les liens de ce compte sont suspendus jusqu’à { $until }. Levez d’abord la suspension.
api-directory-create = Les comptes ne se créent pas ici : ils se trouvent dans la table `{ $table }` de l’application ([directory] kind = "sql"). Créez le compte dans cette table.
api-directory-external = Les comptes ne se créent pas ici : ils se trouvent dans l’annuaire ([directory] kind = "{ $kind }"). Créez l’entrée dans l’annuaire ; elle pourra utiliser Lifeline dès qu’elle aura une adresse e-mail.
api-directory-delete = Les comptes se trouvent dans la table `{ $table }` de l’application ([directory] kind = "sql"), à laquelle d’autres tables de l’application peuvent faire référence. Supprimez le compte dans cette table (ses liens cessent de fonctionner dès que la ligne disparaît), ou désactivez-le plutôt.
api-directory-no-column = { $action ->
    [disable] Impossible de désactiver des comptes
   *[pause] Impossible de suspendre ou de rétablir les demandes de liens
} : la table `{ $table }` de l’application n’a aucune colonne associée à cet usage. Pour le permettre, indiquez dans { $setting } une colonne d’horodatage qui accepte NULL.
api-directory-no-state = { $action ->
    [disable] Impossible de désactiver des comptes
   *[pause] Impossible de suspendre ou de rétablir les demandes de liens
} : l’annuaire ne conserve pas cet état.
