# Lifeline's pages in Spanish (usted).

language-name = Español
language-switch = Idioma

## Layout
footer-help = ¿Necesita ayuda? Escriba a

## Forgot password
forgot-title = ¿Olvidó su contraseña?
forgot-intro = Introduzca la dirección de correo electrónico de su cuenta y le enviaremos un enlace para elegir una contraseña nueva.
email-label = Correo electrónico
forgot-submit = Enviarme un enlace
back-to-sign-in = Volver a iniciar sesión
email-invalid = Introduzca su dirección de correo electrónico, por ejemplo nombre@example.com.

## Check your inbox
check-inbox-title = Revise su bandeja de entrada
check-inbox-sent = { $what ->
    [reset] Si existe una cuenta con esa dirección, le hemos enviado un correo con un enlace para elegir una contraseña nueva.
    [sign-in] Si existe una cuenta con esa dirección, le hemos enviado un correo con un enlace para iniciar sesión.
   *[other] Si existe una cuenta con esa dirección, le hemos enviado un correo con un enlace.
}
check-inbox-lifetime = El enlace funciona una sola vez y durante { $lifetime } a partir de ahora. Después, solicite uno nuevo.
check-inbox-spam = ¿No ha llegado nada al cabo de unos minutos? Mire en la carpeta de correo no deseado o
ask-new-link-lower = solicite un enlace nuevo
remembered-password = ¿Ha recordado su contraseña?
sign-in-link = Inicie sesión

## Durations
duration-seconds = { $count ->
    [one] { $count } segundo
   *[other] { $count } segundos
}
duration-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
}
duration-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
}
# A moment, e.g. "4 de diciembre de 2026, 10:15 UTC": $day, $month (1 to 12) and $year are
# numbers, $time is "10:15" and $zone the zone's name.
datetime = { $day } de { $month ->
    [1] enero
    [2] febrero
    [3] marzo
    [4] abril
    [5] mayo
    [6] junio
    [7] julio
    [8] agosto
    [9] septiembre
    [10] octubre
    [11] noviembre
   *[12] diciembre
} de { $year }, { $time } { $zone }

## Links that do not work
link-invalid-title = Este enlace no funciona
link-invalid-body = { $what ->
    [reset] Este enlace para restablecer la contraseña no se puede usar.
    [sign-in] Este enlace de inicio de sesión no se puede usar.
   *[other] Este enlace no se puede usar.
} Puede que haya caducado, que ya se haya usado o que lo haya sustituido otro más reciente. Por su seguridad, cada enlace funciona una sola vez y durante poco tiempo. No se ha cambiado nada.
link-invalid-next = Qué hacer ahora: solicite un enlace nuevo y abra el correo más reciente que le enviemos.
ask-new-link = Solicitar un enlace nuevo
know-password = ¿Sabe su contraseña?
other-browser-title = Abra este enlace en el navegador desde el que lo solicitó
other-browser-body = Por su seguridad, un enlace de inicio de sesión solo funciona en el navegador desde el que lo solicitó. Copie el enlace del correo en ese navegador o solicite aquí un enlace nuevo.

## Sign in
sign-in-title = Iniciar sesión
password-label = Contraseña
sign-in-with-link-instead = Iniciar sesión con un enlace
forgot-link = ¿Olvidó su contraseña?
sign-in-failed = Ese correo electrónico y esa contraseña no corresponden a ninguna cuenta.

## Magic link
magic-link-title = Iniciar sesión con un enlace
magic-link-intro = Introduzca la dirección de correo electrónico de su cuenta y le enviaremos un enlace para iniciar sesión. Sin contraseña.
magic-link-same-browser = Abra el enlace en este navegador: solo funciona donde lo solicitó.
magic-link-submit = Enviarme un enlace para iniciar sesión
sign-in-with-password-instead = Iniciar sesión con su contraseña
magic-verify-about = Está a punto de iniciar sesión como
magic-verify-press = Pulse el botón para iniciar sesión. El enlace de su correo dejará de funcionar; solo sirve una vez.
magic-verify-not-you = ¿No lo ha solicitado usted? Cierre esta página; no ocurre nada hasta que pulse el botón.

## Reset form
reset-title = Elija una contraseña nueva
for-account = Para la cuenta
password-hint = Use al menos { $min } caracteres. Las frases de contraseña largas son las más fáciles de recordar.
reset-signs-in = Al guardarla, se cerrará la sesión en todos los navegadores conectados a esta cuenta y en este se iniciará con la contraseña nueva. El enlace de su correo dejará de funcionar.
reset-signs-out = Al guardarla, se cerrará la sesión en todos los navegadores conectados a esta cuenta, y usted volverá a iniciarla con la contraseña nueva. El enlace de su correo dejará de funcionar.
new-password-label = Contraseña nueva
repeat-password-label = Repita la contraseña nueva
reset-submit = Guardar la contraseña nueva
notice-sign-in-after-reset = Su contraseña se ha cambiado. Inicie sesión con la contraseña nueva.
notice-signed-in-after-reset = Su contraseña se ha cambiado y se han cerrado las demás sesiones. Ha iniciado sesión.

password-too-short = Use al menos { $min } caracteres.
password-too-long = Use como máximo { $max } caracteres.
password-common = Esta contraseña es una de las más utilizadas, así que es fácil de adivinar. Elija otra.
password-same-as-email = Su contraseña no puede ser su dirección de correo electrónico.
password-mismatch = Las dos contraseñas no coinciden.
password-directory-too-short = El directorio exige una contraseña más larga. Elija una más larga.
password-directory-too-weak = El directorio considera que esta contraseña es demasiado fácil de adivinar. Elija una más segura.
password-directory-recently-used = Esta contraseña se ha usado hace poco. Elija una que no haya usado antes.
password-directory-too-soon = La contraseña se cambió hace muy poco y aún no se puede volver a cambiar. Inténtelo más tarde.
password-directory-not-allowed = El directorio no permite cambiar aquí la contraseña de esta cuenta. Consulte a su administrador.
password-directory-refused = El directorio ha rechazado esta contraseña. Elija otra.

## Account
account-title = Su cuenta
signed-in-as = Ha iniciado sesión como
pause-heading = Los enlaces de restablecimiento e inicio de sesión están en pausa
pause-until = Tras «No he sido yo», no se enviará ningún enlace nuevo para restablecer la contraseña ni para iniciar sesión en esta cuenta hasta el
pause-remaining = (dentro de unos { $remaining }). Hasta entonces, solicitar un enlace no envía ningún correo.
pause-can-change = Como ha iniciado sesión, puede seguir cambiando su contraseña con el enlace de abajo.
change-password-link = Cambiar la contraseña
events-heading = Eventos de seguridad recientes
event-from = desde { $ip }
see-sessions = Ver dónde tiene la sesión iniciada
event-password-reset = Contraseña cambiada con un enlace de restablecimiento
event-sign-in = Inicio de sesión con contraseña
event-password-changed = Contraseña cambiada con la sesión iniciada
event-magic-link = Inicio de sesión con un enlace enviado por correo
event-not-me = Cuenta bloqueada tras «No he sido yo»: enlaces anulados, sesiones cerradas
event-other = Evento de seguridad
sign-out = Cerrar sesión

## Change password
change-password-title = Cambie su contraseña
set-password-title = Establecer una contraseña
change-password-intro = Al cambiarla, se cerrará la sesión en todos los demás navegadores conectados a esta cuenta; este seguirá conectado. Le enviaremos un correo para confirmarle el cambio.
current-password-label = Contraseña actual
change-password-submit = Cambiar la contraseña
no-password-yet = aún no tiene contraseña: inicia sesión con enlaces enviados por correo.
your-account = Su cuenta
set-password-how = Para establecer una contraseña, solicite un enlace de restablecimiento. Se enviará a { $email }, así que solo quien tenga acceso a ese buzón podrá establecerla.
set-password-button = Enviarme un enlace para establecer una contraseña
back-to-account = Volver a su cuenta
notice-password-changed = Su contraseña se ha cambiado y se han cerrado las demás sesiones.
current-password-wrong = Esa no es su contraseña actual. No se ha cambiado nada; vuelva a escribirla.

## Sessions
sessions-title = Sus sesiones
sessions-intro = Estos navegadores tienen la sesión iniciada como { $email }. Si no reconoce alguno, cierre su sesión y cambie la contraseña. Las horas están en UTC; una sesión termina tras 12 horas sin uso.
browser-description = { $name ->
    [none] { $os ->
        [none] Navegador desconocido
       *[other] Un navegador en { $os }
    }
   *[other] { $os ->
        [none] { $name }
       *[other] { $name } en { $os }
    }
}
this-browser = (este navegador)
session-signed-in = Sesión iniciada { $method ->
    [password] con contraseña
    [link] con un enlace enviado por correo
   *[reset] tras restablecer la contraseña
}{ $ip ->
    [none] {""}
   *[other] {" "}desde { $ip }
},
session-last-seen = Última actividad:
session-sign-out-label = Cerrar sesión en { $browser }, última actividad: { $seen }
sign-out-everywhere-else = Cerrar sesión en todos los demás sitios
no-other-sessions = No hay ningún otro navegador con la sesión iniciada.
notice-session-signed-out = Esa sesión se ha cerrado.
notice-others-signed-out = { $count ->
    [0] No había ninguna otra sesión iniciada.
    [one] Se ha cerrado { $count } sesión más.
   *[other] Se han cerrado { $count } sesiones más.
}
session-not-yours = Esa sesión no es una de sus sesiones activas.

## "This wasn't me"
not-me-changed-title = Deshacer un cambio de contraseña que usted no hizo
not-me-links-title = Anular enlaces que usted no solicitó
not-me-changed-intro = Se ha cambiado la contraseña de { $email }. Si no la cambió usted, pulse el botón de abajo. Con ello:
not-me-stop-password = la contraseña nueva dejará de funcionar de inmediato: nadie podrá iniciar sesión con ella,
not-me-sign-out-all-including = se cerrarán todas las sesiones, incluida la que la cambió,
not-me-cancel-links = se anularán todos los enlaces que le hemos enviado,
not-me-pause = se pausarán durante { $pause } las nuevas solicitudes de enlaces de restablecimiento e inicio de sesión,
not-me-pause-last = se pausarán durante { $pause } las nuevas solicitudes de enlaces de restablecimiento e inicio de sesión.
not-me-recovery = le enviaremos, solo a esta dirección, un enlace para elegir una contraseña nueva. Ese enlace funciona durante { $lifetime }, incluso mientras las solicitudes estén en pausa.
not-me-links-intro = Hemos enviado a { $email } un enlace para restablecer la contraseña o para iniciar sesión. Si no lo solicitó usted, pulse el botón de abajo. Con ello:
not-me-sign-out-all = se cerrarán todas las sesiones,
not-me-password-stays = Su contraseña no cambia: puede seguir iniciando sesión con ella.
not-me-changed-submit = Bloquear la contraseña nueva y mi cuenta
not-me-links-submit = Anular los enlaces y bloquear mi cuenta
locked-title = Su cuenta está bloqueada
locked-voided = La contraseña nueva ya no funciona, todas las sesiones están cerradas y todos los enlaces que le enviamos están anulados.
next-steps = Qué hacer ahora
locked-check-inbox = Busque en su bandeja de entrada nuestro correo «Su cuenta está bloqueada». Contiene un enlace para elegir una contraseña nueva; el enlace funciona durante { $lifetime }.
locked-choose = Elija una contraseña nueva con ese enlace.
locked-sign-in-new = con su contraseña nueva.
locked-links = Todos los enlaces que le enviamos están anulados y todas las sesiones están cerradas. No se pueden solicitar nuevos enlaces de restablecimiento ni de inicio de sesión durante { $pause }. Le hemos enviado una confirmación por correo.
locked-password-kept = Su contraseña no se ha cambiado:
locked-sign-in-as-usual = con ella como siempre.
locked-new-sign-in-link = Inicie sesión
locked-kept-sign-in-link = inicie sesión
error-sign-in = inicie sesión
if-know-password-link = inicie sesión
not-me-invalid-body = Un enlace «No he sido yo» funciona una sola vez, durante 24 horas. Si ya pulsó su botón, su cuenta ya está bloqueada: nuestro correo «Su cuenta está bloqueada» explica lo que se hizo y qué hacer ahora.
not-me-invalid-expired = Si, en cambio, el enlace caducó, no se ha cambiado nada.
if-know-password = Si sabe su contraseña,
if-cannot-sign-in = Si no puede iniciar sesión, escriba a

## Development mailbox
mailbox-title = Buzón de desarrollo
mailbox-intro = Correo enviado con el transporte «mailbox». Esta página no existe en modo de producción.
mailbox-to = para { $recipient } · { $at }
mailbox-empty = Todavía no hay correo.
mailbox-ask-reset = Solicitar un enlace de restablecimiento
mailbox-back = ← Buzón
mailbox-links = Enlaces de este mensaje:
mailbox-html-part = Parte HTML
mailbox-html-sandbox = Tal como la muestra un programa de correo, en un entorno aislado: no se ejecuta ningún script y los enlaces se abren en una pestaña nueva.
mailbox-html-title = Parte HTML de { $subject }
mailbox-text-part = Parte de texto
mailbox-no-message = Ese mensaje no existe.
mailbox-no-html = Este mensaje no tiene parte HTML.

## Error pages
error-start-again = Empezar de nuevo
error-or = o
error-csrf = Este formulario ha caducado o no se envió desde este sitio. Vuelva atrás, recargue la página e inténtelo de nuevo.
error-too-many = Ha habido demasiados intentos en poco tiempo, así que este no se ha procesado. Inténtelo de nuevo dentro de { $wait }.
error-unavailable = El servicio está ocupado o no está disponible por un momento. Inténtelo de nuevo dentro de { $wait }.
error-internal = Algo ha fallado por nuestra parte. Inténtelo de nuevo.
error-not-found = Aquí no hay nada.
error-method = Esta página no se puede usar de esa forma.
error-form-type = Envíe el formulario como application/x-www-form-urlencoded en UTF-8.
error-too-large = El formulario es demasiado grande.
error-unreadable = No se ha podido leer el formulario. Recargue la página e inténtelo de nuevo.
error-bad-address = Esta dirección no es válida.
error-other = No se ha podido atender esta solicitud.
error-unknown-language = Este idioma no se ofrece aquí. Elija uno de la lista al pie de la página.
error-another-link = Después de mostrarse esta página, se abrió otro enlace en este navegador. La página corresponde ahora a ese enlace: compruebe la cuenta e inténtelo de nuevo.
status-400 = Solicitud incorrecta
status-403 = Acceso denegado
status-404 = No encontrado
status-405 = Método no permitido
status-408 = Tiempo de espera agotado
status-413 = Solicitud demasiado grande
status-415 = Formato no admitido
status-429 = Demasiadas solicitudes
status-500 = Error interno
status-503 = Servicio no disponible
status-other = Error
