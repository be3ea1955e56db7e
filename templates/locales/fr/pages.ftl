# Lifeline's pages in French (vouvoiement).

language-name = Français
language-switch = Langue

## Layout
footer-help = Besoin d’aide ? Écrivez à

## Forgot password
forgot-title = Mot de passe oublié ?
forgot-intro = Saisissez l’adresse e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.
email-label = Adresse e-mail
forgot-submit = M’envoyer un lien
back-to-sign-in = Retour à la connexion
email-invalid = Saisissez votre adresse e-mail, par exemple nom@example.com.

## Check your inbox
check-inbox-title = Consultez votre boîte de réception
check-inbox-sent = { $what ->
    [reset] Si un compte existe pour cette adresse, nous lui avons envoyé un e-mail contenant un lien pour choisir un nouveau mot de passe.
    [sign-in] Si un compte existe pour cette adresse, nous lui avons envoyé un e-mail contenant un lien de connexion.
   *[other] Si un compte existe pour cette adresse, nous lui avons envoyé un e-mail contenant un lien.
}
check-inbox-lifetime = Le lien ne fonctionne qu’une fois, pendant { $lifetime } à partir de maintenant. Passé ce délai, demandez-en un nouveau.
check-inbox-spam = Rien reçu après quelques minutes ? Regardez dans vos courriers indésirables, ou
ask-new-link-lower = demandez un nouveau lien
remembered-password = Le mot de passe vous est revenu ?
sign-in-link = Connectez-vous

## Durations
duration-seconds = { $count ->
    [one] { $count } seconde
   *[other] { $count } secondes
}
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
}
# A moment, e.g. "4 décembre 2026 à 10:15 UTC" ("1er" for the first day of a month): $day,
# $month (1 to 12) and $year are numbers, $time is "10:15" and $zone the zone's name.
datetime = { $day ->
    [1] 1er
   *[other] { $day }
} { $month ->
    [1] janvier
    [2] février
    [3] mars
    [4] avril
    [5] mai
    [6] juin
    [7] juillet
    [8] août
    [9] septembre
    [10] octobre
    [11] novembre
   *[12] décembre
} { $year } à { $time } { $zone }

## Links that do not work
link-invalid-title = Ce lien ne fonctionne pas
link-invalid-body = { $what ->
    [reset] Ce lien de réinitialisation du mot de passe ne peut pas être utilisé.
    [sign-in] Ce lien de connexion ne peut pas être utilisé.
   *[other] Ce lien ne peut pas être utilisé.
} Il a peut-être expiré, déjà servi, ou été remplacé par un lien plus récent. Pour votre sécurité, chaque lien ne fonctionne qu’une fois et pendant peu de temps. Rien n’a été modifié.
link-invalid-next = Que faire : demandez un nouveau lien et ouvrez le dernier e-mail que nous vous envoyons.
ask-new-link = Demander un nouveau lien
know-password = Vous connaissez votre mot de passe ?
other-browser-title = Ouvrez ce lien dans le navigateur où vous l’avez demandé
other-browser-body = Pour votre sécurité, un lien de connexion ne fonctionne que dans le navigateur où vous l’avez demandé. Copiez le lien de l’e-mail dans ce navigateur, ou demandez ici un nouveau lien.

## Sign in
sign-in-title = Se connecter
password-label = Mot de passe
sign-in-with-link-instead = Se connecter plutôt avec un lien
forgot-link = Mot de passe oublié ?
sign-in-failed = Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte.

## Magic link
magic-link-title = Se connecter avec un lien
magic-link-intro = Saisissez l’adresse e-mail de votre compte : nous vous enverrons un lien qui vous connecte. Aucun mot de passe n’est nécessaire.
magic-link-same-browser = Ouvrez le lien dans ce navigateur : il ne fonctionne que là où vous l’avez demandé.
magic-link-submit = M’envoyer un lien de connexion
sign-in-with-password-instead = Se connecter plutôt avec son mot de passe
magic-verify-about = Vous êtes sur le point de vous connecter en tant que
magic-verify-press = Appuyez sur le bouton pour vous connecter. Le lien de votre e-mail cessera alors de fonctionner : il ne sert qu’une fois.
magic-verify-not-you = Vous n’avez rien demandé ? Fermez cette page ; rien ne se passe tant que vous n’appuyez pas sur le bouton.

## Reset form
reset-title = Choisissez un nouveau mot de passe
for-account = Pour le compte
password-hint = Utilisez au moins { $min } caractères. Les longues phrases de passe sont les plus faciles à retenir.
reset-signs-in = Dès que vous l’enregistrez, tous les navigateurs connectés à ce compte sont déconnectés, et celui-ci est connecté avec le nouveau mot de passe. Le lien de votre e-mail cesse alors de fonctionner.
reset-signs-out = Dès que vous l’enregistrez, tous les navigateurs connectés à ce compte sont déconnectés, et vous vous reconnectez avec le nouveau mot de passe. Le lien de votre e-mail cesse alors de fonctionner.
new-password-label = Nouveau mot de passe
repeat-password-label = Confirmez le nouveau mot de passe
reset-submit = Enregistrer le nouveau mot de passe
notice-sign-in-after-reset = Votre mot de passe a été modifié. Connectez-vous avec votre nouveau mot de passe.
notice-signed-in-after-reset = Votre mot de passe a été modifié ; les autres sessions ont été déconnectées. Vous êtes connecté.

password-too-short = Utilisez au moins { $min } caractères.
password-too-long = Utilisez au plus { $max } caractères.
password-common = Ce mot de passe fait partie des plus utilisés : il est donc facile à deviner. Choisissez-en un autre.
password-same-as-email = Votre mot de passe ne peut pas être votre adresse e-mail.
password-mismatch = Les deux mots de passe ne sont pas identiques.
password-directory-too-short = L’annuaire exige un mot de passe plus long. Choisissez-en un plus long.
password-directory-too-weak = L’annuaire juge ce mot de passe trop facile à deviner. Choisissez-en un plus robuste.
password-directory-recently-used = Ce mot de passe a été utilisé récemment. Choisissez-en un que vous n’avez pas encore utilisé.
password-directory-too-soon = Le mot de passe a été changé trop récemment pour être changé à nouveau. Réessayez plus tard.
password-directory-not-allowed = L’annuaire ne permet pas de changer ici le mot de passe de ce compte. Adressez-vous à votre administrateur.
password-directory-refused = L’annuaire a refusé ce mot de passe. Choisissez-en un autre.

## Account
account-title = Votre compte
signed-in-as = Vous êtes connecté en tant que
pause-heading = Les liens de réinitialisation et de connexion sont suspendus
pause-until = Après « Ce n’était pas moi », aucun nouveau lien de réinitialisation ou de connexion n’est envoyé pour ce compte avant le
pause-remaining = (dans environ { $remaining }). D’ici là, une demande de lien n’envoie aucun e-mail.
pause-can-change = Comme vous êtes connecté, vous pouvez toujours changer votre mot de passe avec le lien ci-dessous.
change-password-link = Changer le mot de passe
events-heading = Événements de sécurité récents
event-from = depuis { $ip }
see-sessions = Voir où vous êtes connecté
event-password-reset = Mot de passe modifié avec un lien de réinitialisation
event-sign-in = Connexion avec mot de passe
event-password-changed = Mot de passe modifié en étant connecté
event-magic-link = Connexion avec un lien envoyé par e-mail
event-not-me = Compte verrouillé après « Ce n’était pas moi » : liens annulés, sessions déconnectées
event-other = Événement de sécurité
sign-out = Se déconnecter

## Change password
change-password-title = Changer votre mot de passe
set-password-title = Définir un mot de passe
change-password-intro = Une fois le mot de passe changé, tous les autres navigateurs connectés à ce compte sont déconnectés ; celui-ci reste connecté. Nous vous enverrons un e-mail pour vous le confirmer.
current-password-label = Mot de passe actuel
change-password-submit = Changer le mot de passe
no-password-yet = n’a pas encore de mot de passe : vous vous connectez avec des liens envoyés par e-mail.
your-account = Votre compte
set-password-how = Pour définir un mot de passe, demandez un lien de réinitialisation. Il est envoyé à { $email } : seule la personne qui a accès à cette boîte peut donc en définir un.
set-password-button = M’envoyer un lien pour définir un mot de passe
back-to-account = Retour à votre compte
notice-password-changed = Votre mot de passe a été modifié ; les autres sessions ont été déconnectées.
current-password-wrong = Ce n’est pas votre mot de passe actuel. Rien n’a été modifié ; saisissez-le à nouveau.

## Sessions
sessions-title = Vos sessions
sessions-intro = Ces navigateurs sont connectés en tant que { $email }. Si vous n’en reconnaissez pas un, déconnectez-le et changez votre mot de passe. Les heures sont en UTC ; une session prend fin après 12 heures sans utilisation.
browser-description = { $name ->
    [none] { $os ->
        [none] Navigateur inconnu
       *[other] Un navigateur sous { $os }
    }
   *[other] { $os ->
        [none] { $name }
       *[other] { $name } sous { $os }
    }
}
this-browser = (ce navigateur)
session-signed-in = Connecté { $method ->
    [password] avec un mot de passe
    [link] avec un lien envoyé par e-mail
   *[reset] après une réinitialisation du mot de passe
}{ $ip ->
    [none] {""}
   *[other] {" "}depuis { $ip }
},
session-last-seen = Dernière activité :
session-sign-out-label = Se déconnecter de { $browser }, dernière activité : { $seen }
sign-out-everywhere-else = Se déconnecter partout ailleurs
no-other-sessions = Aucun autre navigateur n’est connecté.
notice-session-signed-out = Cette session est déconnectée.
notice-others-signed-out = { $count ->
    [0] Aucune autre session n’était connectée.
    [one] { $count } autre session est déconnectée.
   *[other] { $count } autres sessions sont déconnectées.
}
session-not-yours = Cette session ne fait pas partie de vos sessions actives.

## "This wasn't me"
not-me-changed-title = Annuler un changement de mot de passe que vous n’avez pas fait
not-me-links-title = Annuler des liens que vous n’avez pas demandés
not-me-changed-intro = Le mot de passe de { $email } a été modifié. Si ce n’est pas vous, appuyez sur le bouton ci-dessous. Cela va :
not-me-stop-password = désactiver immédiatement le nouveau mot de passe : plus personne ne peut se connecter avec,
not-me-sign-out-all-including = déconnecter toutes les sessions, y compris celle qui l’a modifié,
not-me-cancel-links = annuler tous les liens que nous vous avons envoyés,
not-me-pause = suspendre pendant { $pause } les nouvelles demandes de liens de réinitialisation et de connexion,
not-me-pause-last = suspendre pendant { $pause } les nouvelles demandes de liens de réinitialisation et de connexion.
not-me-recovery = vous envoyer, à cette adresse uniquement, un lien pour choisir un nouveau mot de passe. Ce lien fonctionne pendant { $lifetime }, même pendant la suspension des demandes.
not-me-links-intro = Nous avons envoyé à { $email } un lien de réinitialisation du mot de passe ou de connexion. Si vous ne l’avez pas demandé, appuyez sur le bouton ci-dessous. Cela va :
not-me-sign-out-all = déconnecter toutes les sessions,
not-me-password-stays = Votre mot de passe reste inchangé : vous pouvez toujours vous connecter avec.
not-me-changed-submit = Bloquer le nouveau mot de passe et verrouiller mon compte
not-me-links-submit = Annuler les liens et verrouiller mon compte
locked-title = Votre compte est verrouillé
locked-voided = Le nouveau mot de passe ne fonctionne plus, toutes les sessions sont déconnectées et tous les liens que nous vous avons envoyés sont annulés.
next-steps = Que faire maintenant
locked-check-inbox = Cherchez dans votre boîte de réception notre e-mail « Votre compte est verrouillé ». Il contient un lien pour choisir un nouveau mot de passe ; ce lien fonctionne pendant { $lifetime }.
locked-choose = Choisissez un nouveau mot de passe avec ce lien.
locked-sign-in-new = avec votre nouveau mot de passe.
locked-links = Tous les liens que nous vous avons envoyés sont annulés et toutes les sessions sont déconnectées. Aucun nouveau lien de réinitialisation ou de connexion ne peut être demandé pendant { $pause }. Nous vous avons envoyé une confirmation par e-mail.
locked-password-kept = Votre mot de passe n’a pas été modifié :
locked-sign-in-as-usual = comme d’habitude.
locked-new-sign-in-link = Connectez-vous
locked-kept-sign-in-link = connectez-vous
error-sign-in = connectez-vous
if-know-password-link = connectez-vous
not-me-invalid-body = Un lien « Ce n’était pas moi » ne fonctionne qu’une fois, pendant 24 heures. Si vous avez déjà appuyé sur son bouton, votre compte est déjà verrouillé : notre e-mail « Votre compte est verrouillé » explique ce qui a été fait et la marche à suivre.
not-me-invalid-expired = Si le lien a plutôt expiré, rien n’a été modifié.
if-know-password = Si vous connaissez votre mot de passe,
if-cannot-sign-in = Si vous ne pouvez pas vous connecter, écrivez à

## Development mailbox
mailbox-title = Boîte aux lettres de développement
mailbox-intro = Courriers envoyés avec le transport « mailbox ». Cette page n’existe pas en mode production.
mailbox-to = à { $recipient } · { $at }
mailbox-empty = Aucun courrier pour l’instant.
mailbox-ask-reset = Demander un lien de réinitialisation
mailbox-back = ← Boîte aux lettres
mailbox-links = Liens de ce message :
mailbox-html-part = Partie HTML
mailbox-html-sandbox = Telle qu’un logiciel de messagerie l’affiche, dans un bac à sable : aucun script ne s’exécute, et un lien s’ouvre dans un nouvel onglet.
mailbox-html-title = Partie HTML de { $subject }
mailbox-text-part = Partie texte
mailbox-no-message = Ce message n’existe pas.
mailbox-no-html = Ce message n’a pas de partie HTML.

## Error pages
error-start-again = Recommencer
error-or = ou
error-csrf = Ce formulaire a expiré ou n’a pas été envoyé depuis ce site. Revenez en arrière, rechargez la page et réessayez.
error-too-many = Il y a eu trop de tentatives en peu de temps : celle-ci n’a donc pas été traitée. Réessayez dans { $wait }.
error-unavailable = Le service est surchargé ou brièvement indisponible. Réessayez dans { $wait }.
error-internal = Une erreur s’est produite de notre côté. Veuillez réessayer.
error-not-found = Il n’y a rien ici.
error-method = Cette page ne peut pas être utilisée de cette façon.
error-form-type = Envoyez le formulaire en application/x-www-form-urlencoded, encodé en UTF-8.
error-too-large = Le formulaire est trop volumineux.
error-unreadable = Le formulaire n’a pas pu être lu. Rechargez la page et réessayez.
error-bad-address = Cette adresse n’est pas valide.
error-other = Cette demande n’a pas pu être traitée.
error-unknown-language = Cette langue n’est pas proposée ici. Choisissez-en une dans la liste en bas de la page.
error-another-link = Un autre lien a été ouvert dans ce navigateur après l’affichage de cette page. La page concerne désormais ce lien : vérifiez le compte, puis réessayez.
status-400 = Requête incorrecte
status-403 = Accès refusé
status-404 = Page introuvable
status-405 = Méthode non autorisée
status-408 = Délai dépassé
status-413 = Requête trop volumineuse
status-415 = Format non pris en charge
status-429 = Trop de requêtes
status-500 = Erreur interne
status-503 = Service indisponible
status-other = Erreur
