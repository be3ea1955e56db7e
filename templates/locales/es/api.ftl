# Lifeline's API error messages in Spanish (usted).

## Any request
api-invalid-body = El cuerpo de la solicitud no es válido para este punto de conexión: envíe un objeto JSON con los campos documentados.
api-unsupported-media-type = Envíe el cuerpo como application/json (UTF-8).
api-body-too-large = El cuerpo de la solicitud es demasiado grande.
api-not-found = Este punto de conexión no existe.
api-method-not-allowed = Este punto de conexión no admite este método.
api-csrf = Este formulario ha caducado o no se envió desde este sitio. Vuelva atrás, recargue la página e inténtelo de nuevo.
api-too-many = Ha habido demasiados intentos en poco tiempo, así que este no se ha procesado. Inténtelo de nuevo dentro de { $wait }.
api-unavailable = El servicio está ocupado o no está disponible por un momento. Inténtelo de nuevo dentro de { $wait }.
api-internal = Algo ha fallado por nuestra parte. Inténtelo de nuevo.

## Links and sign-in
api-accepted-reset = Si existe una cuenta con esa dirección, le enviaremos un correo con un enlace para elegir una contraseña nueva.
api-accepted-magic-link = Si existe una cuenta con esa dirección, le enviaremos un correo con un enlace para iniciar sesión.
api-accepted-recovery = Enviaremos un correo con un enlace para elegir una contraseña nueva a la dirección de la cuenta.
api-invalid-email = La dirección de correo electrónico no es válida.
api-invalid-link = Este enlace no es válido, ha caducado o ya se ha usado. Solicite uno nuevo.
api-other-browser = Abra este enlace en el navegador desde el que lo solicitó.
api-invalid-credentials = Ese correo electrónico y esa contraseña no corresponden a ninguna cuenta.
api-sign-in-first = Inicie sesión primero: envíe la cookie de sesión o un token de sesión.

## Admin API
api-key-required = Se necesita una clave de API válida: `Authorization: Bearer llk_…`.
api-insufficient-scope = A esta clave de API le falta el permiso `{ $scope }` que exige este punto de conexión.
api-key-query = La cadena de consulta solo puede contener un `scope`: read, write o recovery.
api-invalid-query = La cadena de consulta no es válida para este punto de conexión: { $problem }.
api-audit-query = `limit` debe estar entre 1 y 100, y `before` debe ser el identificador de un evento.
api-account-not-found = Ninguna cuenta tiene este identificador o esta dirección.
api-session-not-found = La cuenta no tiene ninguna sesión activa con este identificador.
api-account-exists = Ya existe una cuenta con la dirección { $email }.
api-account-disabled = Esta cuenta está desactivada, así que ninguno de sus enlaces funcionaría. Actívela primero.
api-links-paused = Tras «No he sido yo», los enlaces de esta cuenta están en pausa hasta { $until }. Levante la pausa primero.
api-directory-create = Las cuentas no se crean aquí: están en la tabla `{ $table }` de la aplicación ([directory] kind = "sql"). Cree la cuenta allí.
api-directory-external = Las cuentas no se crean aquí: están en el directorio ([directory] kind = "{ $kind }"). Cree la entrada allí; podrá usar Lifeline en cuanto tenga una dirección de correo.
api-directory-delete = Las cuentas están en la tabla `{ $table }` de la aplicación ([directory] kind = "sql"), a la que pueden hacer referencia otras tablas de la aplicación. Elimine la cuenta allí (sus enlaces dejan de funcionar en cuanto desaparece la fila) o, si lo prefiere, desactívela.
api-directory-no-column = { $action ->
    [disable] No se pueden desactivar cuentas
   *[pause] No se pueden pausar ni reanudar las solicitudes de enlaces
}: la tabla `{ $table }` de la aplicación no tiene ninguna columna asignada para ello. Para permitirlo, indique en { $setting } una columna de marca de tiempo que admita NULL.
api-directory-no-state = { $action ->
    [disable] No se pueden desactivar cuentas
   *[pause] No se pueden pausar ni reanudar las solicitudes de enlaces
}: el directorio no guarda ese estado.
