# Lifeline's emails in French (vouvoiement): a translation of the English reference catalog,
# with the same messages and variables. $time and $until come from `datetime` in pages.ftl;
# $lifetime is a span of time in words, e.g. "30 minutes".

## Every email
mail-footer-auto = Ceci est un message de sécurité automatique envoyé par { $product }. Les réponses ne sont pas lues.
mail-footer-questions = Des questions ? Écrivez à
mail-when = Date : { $time }
mail-ip = Adresse IP : { $ip }
mail-browser = Navigateur : { $browser }
mail-link-once = Le lien ne fonctionne qu’une fois et expire dans { $lifetime }.
mail-copy-link = Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :
mail-if-you = Si c’était vous, vous n’avez rien d’autre à faire.
mail-not-me-button = Ce n’était pas moi
mail-new-password-button = Choisir un nouveau mot de passe

## Reset your password
mail-reset-subject = Réinitialisez votre mot de passe { $product }
mail-reset-heading = Réinitialisez votre mot de passe
mail-reset-intro = Quelqu’un (vous, espérons-le) a demandé la réinitialisation du mot de passe de votre compte { $product }.
mail-reset-button-lead = Utilisez le bouton ci-dessous pour choisir un nouveau mot de passe.
mail-reset-link-lead = Ouvrez ce lien pour choisir un nouveau mot de passe :
mail-reset-ignore = Vous n’avez rien demandé ? Vous pouvez ignorer cet e-mail ; votre mot de passe reste inchangé.
mail-reset-not-me = Pour annuler tous les liens qui vous ont été envoyés et suspendre les réinitialisations de mot de passe et les liens de connexion de votre compte, indiquez-nous que ce n’était pas vous :

## Your password was changed
mail-changed-subject = Votre mot de passe { $product } a été modifié
mail-changed-heading = Votre mot de passe a été modifié
mail-changed-intro = Le mot de passe de votre compte { $product } vient d’être modifié.
mail-changed-not-you = Si ce n’était PAS vous, agissez dès maintenant : ouvrez le lien ci-dessous et confirmez. Le nouveau mot de passe cessera de fonctionner, toutes les sessions seront déconnectées, tous les liens qui vous ont été envoyés seront annulés, et nous vous enverrons par e-mail un lien pour choisir vous-même votre mot de passe.

## Your sign-in link
mail-magic-subject = Votre lien de connexion à { $product }
mail-magic-heading = Connectez-vous à { $product }
mail-magic-button-lead = Utilisez le bouton ci-dessous pour vous connecter. Aucun mot de passe n’est nécessaire.
mail-magic-link-lead = Ouvrez ce lien pour vous connecter :
mail-magic-button = Se connecter
mail-magic-ignore = Vous n’avez rien demandé ? Vous pouvez ignorer cet e-mail ; personne ne peut se connecter sans ce lien.
mail-magic-not-me = Pour annuler tous les liens qui vous ont été envoyés et suspendre les liens de connexion de votre compte, indiquez-nous que ce n’était pas vous :

## New sign-in
mail-signin-subject = Nouvelle connexion à votre compte { $product }
mail-signin-heading = Nouvelle connexion avec un lien envoyé par e-mail
mail-signin-intro = Quelqu’un vient de se connecter à votre compte { $product } avec un lien de connexion envoyé à cette adresse.
mail-signin-not-you = Si ce n’était PAS vous, agissez dès maintenant : le lien ci-dessous annule tous les liens qui vous ont été envoyés, déconnecte toutes les sessions et suspend les liens de connexion de votre compte.

## Your account is locked down
mail-locked-subject = Votre compte { $product } est verrouillé
mail-locked-heading = Votre compte est verrouillé
mail-locked-intro-change = Vous nous avez indiqué ne pas être à l’origine de la récente modification du mot de passe de votre compte { $product }.
mail-locked-intro = Vous nous avez indiqué qu’un e-mail récent de { $product } ne faisait suite à aucune action de votre part.
mail-locked-done = Ce que nous avons fait :
mail-locked-voided = Le mot de passe défini lors de cette modification ne fonctionne plus : personne ne peut se connecter avec.
mail-locked-links = Tous les liens de réinitialisation du mot de passe et de connexion qui vous ont été envoyés ont cessé de fonctionner.
mail-locked-sessions = Toutes les sessions de votre compte ont été déconnectées.
mail-locked-paused = Aucun nouveau lien de réinitialisation du mot de passe ou de connexion ne peut être demandé avant le { $until }.
mail-locked-cancelled = Les nouveaux liens de réinitialisation du mot de passe et de connexion ont été annulés.
mail-locked-next = Que faire maintenant : choisissez un nouveau mot de passe avec le lien ci-dessous. Il ne fonctionne qu’une fois, pendant { $lifetime }, même pendant la suspension des demandes.
mail-locked-then = Connectez-vous ensuite avec votre nouveau mot de passe.
mail-locked-kept = Votre mot de passe n’a pas été modifié : vous pouvez toujours vous connecter avec, comme d’habitude.

## No account for this address
mail-none-subject = { $product } : aucun compte pour cette adresse
mail-none-heading = Aucun compte pour cette adresse
mail-none-intro = Quelqu’un a demandé sur { $product } un lien de réinitialisation du mot de passe ou de connexion pour cette adresse e-mail, mais aucun compte { $product } n’y est associé.
mail-none-you = Si c’était vous, vous vous êtes peut-être inscrit avec une autre adresse e-mail : essayez plutôt avec celle-là.
mail-none-not-you = Si ce n’était pas vous, vous pouvez ignorer cet e-mail. Rien n’a été modifié.
