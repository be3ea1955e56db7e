# Lifeline's API error messages in Arabic (Modern Standard Arabic).

## Any request
api-invalid-body = محتوى الطلب غير صالح لنقطة النهاية هذه: أرسل كائن JSON يتضمن الحقول الموثّقة.
api-unsupported-media-type = أرسل المحتوى بتنسيق application/json (UTF-8).
api-body-too-large = محتوى الطلب كبير جدًا.
api-not-found = لا توجد نقطة نهاية كهذه.
api-method-not-allowed = نقطة النهاية هذه لا تقبل طريقة الطلب هذه.
api-csrf = انتهت صلاحية هذا النموذج أو لم يُرسَل من هذا الموقع. ارجع، وأعد تحميل الصفحة، ثم حاول مرة أخرى.
api-too-many = جرت محاولات كثيرة جدًا في وقت قصير، لذا لم تُنفَّذ هذه المحاولة. حاول مرة أخرى بعد { $wait }.
api-unavailable = الخدمة مشغولة أو غير متاحة لفترة وجيزة. حاول مرة أخرى بعد { $wait }.
api-internal = حدث خطأ من جهتنا. يُرجى المحاولة مرة أخرى.

## Links and sign-in
api-accepted-reset = إذا كان هناك حساب بهذا العنوان، فسنرسل إليه رسالة تتضمن رابطًا لاختيار كلمة مرور جديدة.
api-accepted-magic-link = إذا كان هناك حساب بهذا العنوان، فسنرسل إليه رسالة تتضمن رابطًا لتسجيل الدخول.
api-accepted-recovery = سنرسل إلى عنوان الحساب رسالة تتضمن رابطًا لاختيار كلمة مرور جديدة.
api-invalid-email = عنوان البريد الإلكتروني غير صالح.
api-invalid-link = هذا الرابط غير صالح، أو انتهت صلاحيته، أو استُخدم من قبل. اطلب رابطًا جديدًا.
api-other-browser = افتح هذا الرابط في المتصفح الذي طلبته منه.
api-invalid-credentials = لا يطابق عنوان البريد الإلكتروني وكلمة المرور هذان أيّ حساب.
api-sign-in-first = سجّل الدخول أولًا: أرسل ملف تعريف الارتباط الخاص بالجلسة أو رمز الجلسة.

## Admin API
api-key-required = يلزم مفتاح API صالح: `Authorization: Bearer llk_…`.
api-insufficient-scope = يفتقر مفتاح API هذا إلى الصلاحية `{ $scope }` التي تتطلبها نقطة النهاية هذه.
api-key-query = لا يجوز أن تحتوي سلسلة الاستعلام إلا على معامل `scope` واحد: read أو write أو recovery.
api-invalid-query = سلسلة الاستعلام غير صالحة لنقطة النهاية هذه: { $problem }.
api-audit-query = يجب أن تكون قيمة `limit` بين 1 و100، وأن تكون قيمة `before` معرّف حدث.
api-account-not-found = لا يوجد حساب بهذا المعرّف أو العنوان.
api-session-not-found = ليست للحساب جلسة نشطة بهذا المعرّف.
api-account-exists = يوجد بالفعل حساب بالعنوان { $email }.
api-account-disabled = هذا الحساب معطَّل، لذا لن يعمل أيّ من روابطه. فعّله أولًا.
api-links-paused = بعد «لم أكن أنا»، أُوقفت روابط هذا الحساب مؤقتًا حتى { $until }. ارفع الإيقاف المؤقت أولًا.
api-directory-create = لا تُنشأ الحسابات هنا، فهي موجودة في جدول التطبيق `{ $table }` ([directory] kind = "sql"). أنشئ الحساب هناك.
api-directory-external = لا تُنشأ الحسابات هنا، فهي موجودة في الدليل ([directory] kind = "{ $kind }"). أنشئ الإدخال هناك، ويمكنه استخدام Lifeline بمجرد أن يكون له عنوان بريد.
api-directory-delete = الحسابات موجودة في جدول التطبيق `{ $table }` ([directory] kind = "sql")، وقد تشير إليه جداول أخرى في التطبيق. احذف الحساب هناك (تتوقف روابطه عن العمل بمجرد حذف الصف)، أو عطّله بدلًا من ذلك.
api-directory-no-column = { $action ->
    [disable] لا يمكن تعطيل الحسابات
   *[pause] لا يمكن إيقاف طلبات الروابط مؤقتًا أو استئنافها
}: لا يحتوي جدول التطبيق `{ $table }` على عمود مخصص لذلك. للسماح بذلك، حدّد في { $setting } عمود طابع زمني يقبل القيمة NULL.
api-directory-no-state = { $action ->
    [disable] لا يمكن تعطيل الحسابات
   *[pause] لا يمكن إيقاف طلبات الروابط مؤقتًا أو استئنافها
}: لا يحتفظ الدليل بهذه الحالة.
