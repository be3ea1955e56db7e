# Lifeline's emails in Spanish (usted): a translation of the English reference catalog,
# with the same messages and variables. $time and $until come from `datetime` in pages.ftl;
# $lifetime is a span of time in words, e.g. "30 minutos".

## Every email
mail-footer-auto = Este es un mensaje de seguridad automático de { $product }. Las respuestas a este correo no se leen.
mail-footer-questions = ¿Tiene alguna pregunta? Escriba a
mail-when = Fecha: { $time }
mail-ip = Dirección IP: { $ip }
mail-browser = Navegador: { $browser }
mail-link-once = El enlace funciona una sola vez y caduca en { $lifetime }.
mail-copy-link = Si el botón no funciona, copie esta dirección en su navegador:
mail-if-you = Si ha sido usted, no tiene que hacer nada más.
mail-not-me-button = No he sido yo
mail-new-password-button = Elegir una contraseña nueva

## Reset your password
mail-reset-subject = Restablezca su contraseña de { $product }
mail-reset-heading = Restablezca su contraseña
mail-reset-intro = Alguien (esperamos que usted) ha solicitado restablecer la contraseña de su cuenta de { $product }.
mail-reset-button-lead = Use el botón de abajo para elegir una contraseña nueva.
mail-reset-link-lead = Abra este enlace para elegir una contraseña nueva:
mail-reset-ignore = ¿No lo ha solicitado usted? Puede ignorar este correo; su contraseña no cambiará.
mail-reset-not-me = Para anular todos los enlaces que le hemos enviado y pausar el restablecimiento de contraseña y los enlaces de inicio de sesión de su cuenta, indíquenos que no ha sido usted:

## Your password was changed
mail-changed-subject = Se ha cambiado su contraseña de { $product }
mail-changed-heading = Se ha cambiado su contraseña
mail-changed-intro = Se acaba de cambiar la contraseña de su cuenta de { $product }.
mail-changed-not-you = Si NO ha sido usted, actúe ya: abra el enlace de abajo y confirme. La contraseña nueva dejará de funcionar, se cerrarán todas las sesiones, se anularán todos los enlaces que le hemos enviado y le enviaremos por correo un enlace para que elija su propia contraseña.

## Your sign-in link
mail-magic-subject = Su enlace para iniciar sesión en { $product }
mail-magic-heading = Inicie sesión en { $product }
mail-magic-button-lead = Use el botón de abajo para iniciar sesión. No necesita contraseña.
mail-magic-link-lead = Abra este enlace para iniciar sesión:
mail-magic-button = Iniciar sesión
mail-magic-ignore = ¿No lo ha solicitado usted? Puede ignorar este correo; nadie puede iniciar sesión sin el enlace.
mail-magic-not-me = Para anular todos los enlaces que le hemos enviado y pausar los enlaces de inicio de sesión de su cuenta, indíquenos que no ha sido usted:

## New sign-in
mail-signin-subject = Nuevo inicio de sesión en su cuenta de { $product }
mail-signin-heading = Nuevo inicio de sesión con un enlace enviado por correo
mail-signin-intro = Alguien acaba de iniciar sesión en su cuenta de { $product } con un enlace de inicio de sesión enviado a esta dirección.
mail-signin-not-you = Si NO ha sido usted, actúe ya: el enlace de abajo anula todos los enlaces que le hemos enviado, cierra todas las sesiones y pausa los enlaces de inicio de sesión de su cuenta.

## Your account is locked down
mail-locked-subject = Su cuenta de { $product } está bloqueada
mail-locked-heading = Su cuenta está bloqueada
mail-locked-intro-change = Nos ha indicado que el reciente cambio de su contraseña de { $product } no lo hizo usted.
mail-locked-intro = Nos ha indicado que un correo reciente de { $product } no respondía a ninguna acción suya.
mail-locked-done = Lo que hemos hecho:
mail-locked-voided = La contraseña establecida en ese cambio ya no funciona: nadie puede iniciar sesión con ella.
mail-locked-links = Todos los enlaces para restablecer la contraseña o iniciar sesión que le enviamos han dejado de funcionar.
mail-locked-sessions = Se han cerrado todas las sesiones de su cuenta.
mail-locked-paused = No se pueden solicitar nuevos enlaces para restablecer la contraseña ni para iniciar sesión hasta el { $until }.
mail-locked-cancelled = Se han anulado los nuevos enlaces para restablecer la contraseña y para iniciar sesión.
mail-locked-next = Qué hacer ahora: elija una contraseña nueva con el enlace de abajo. Funciona una sola vez, durante { $lifetime }, incluso mientras las solicitudes estén en pausa.
mail-locked-then = Después, inicie sesión con su contraseña nueva.
mail-locked-kept = Su contraseña no se ha cambiado: puede seguir iniciando sesión con ella como siempre.

## No account for this address
mail-none-subject = { $product }: no hay ninguna cuenta con esta dirección
mail-none-heading = No hay ninguna cuenta con esta dirección
mail-none-intro = Alguien ha solicitado en { $product } un enlace para restablecer la contraseña o iniciar sesión con esta dirección de correo electrónico, pero no existe ninguna cuenta de { $product } asociada a ella.
mail-none-you = Si ha sido usted, quizá se registró con otra dirección de correo electrónico; pruebe con esa.
mail-none-not-you = Si no ha sido usted, puede ignorar este correo. No se ha cambiado nada.
