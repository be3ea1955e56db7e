# Lifeline's emails in Arabic (Modern Standard Arabic), written right to left: a translation of
# the English reference catalog, with the same messages and variables. $time and $until come
# from `datetime` in pages.ftl; $lifetime is a span of time in words, e.g. "30 دقيقة".

## Every email
mail-footer-auto = هذه رسالة أمنية تلقائية من { $product }. لا تُقرأ الردود عليها.
mail-footer-questions = هل لديك أسئلة؟ راسلنا على
mail-when = الوقت: { $time }
mail-ip = عنوان IP: { $ip }
mail-browser = المتصفح: { $browser }
mail-link-once = يعمل الرابط مرة واحدة فقط، وتنتهي صلاحيته بعد { $lifetime }.
mail-copy-link = إذا لم يعمل الزر، فانسخ هذا العنوان والصقه في متصفحك:
mail-if-you = إن كنت أنت من قام بذلك، فلا حاجة إلى أي إجراء آخر.
mail-not-me-button = لم أكن أنا
mail-new-password-button = اختر كلمة مرور جديدة

## Reset your password
mail-reset-subject = إعادة تعيين كلمة المرور لحسابك في { $product }
mail-reset-heading = إعادة تعيين كلمة المرور
mail-reset-intro = طلب أحدهم (ونأمل أن تكون أنت) إعادة تعيين كلمة المرور لحسابك في { $product }.
mail-reset-button-lead = استخدم الزر أدناه لاختيار كلمة مرور جديدة.
mail-reset-link-lead = افتح هذا الرابط لاختيار كلمة مرور جديدة:
mail-reset-ignore = لم تطلب ذلك؟ يمكنك تجاهل هذه الرسالة؛ ستبقى كلمة المرور كما هي.
mail-reset-not-me = لإلغاء كل الروابط التي أرسلناها إليك وإيقاف إعادة تعيين كلمة المرور وروابط تسجيل الدخول لحسابك مؤقتًا، أخبرنا أنك لم تطلب ذلك:

## Your password was changed
mail-changed-subject = تم تغيير كلمة المرور لحسابك في { $product }
mail-changed-heading = تم تغيير كلمة المرور
mail-changed-intro = تم للتوّ تغيير كلمة المرور لحسابك في { $product }.
mail-changed-not-you = إن لم تكن أنت من غيّرها، فبادر فورًا: افتح الرابط أدناه وأكّد ذلك. عندها تتوقف كلمة المرور الجديدة عن العمل، ويُسجَّل الخروج من كل الجلسات، وتُلغى كل الروابط التي أرسلناها إليك، ونرسل إليك بالبريد الإلكتروني رابطًا لتختار كلمة مرور بنفسك.

## Your sign-in link
mail-magic-subject = رابط تسجيل الدخول إلى { $product }
mail-magic-heading = سجّل الدخول إلى { $product }
mail-magic-button-lead = استخدم الزر أدناه لتسجيل الدخول، دون الحاجة إلى كلمة مرور.
mail-magic-link-lead = افتح هذا الرابط لتسجيل الدخول:
mail-magic-button = سجّل الدخول
mail-magic-ignore = لم تطلب ذلك؟ يمكنك تجاهل هذه الرسالة؛ لا يستطيع أحد تسجيل الدخول دون الرابط.
mail-magic-not-me = لإلغاء كل الروابط التي أرسلناها إليك وإيقاف روابط تسجيل الدخول لحسابك مؤقتًا، أخبرنا أنك لم تطلب ذلك:

## New sign-in
mail-signin-subject = تسجيل دخول جديد إلى حسابك في { $product }
mail-signin-heading = تسجيل دخول جديد برابط عبر البريد الإلكتروني
mail-signin-intro = سجّل أحدهم الدخول للتوّ إلى حسابك في { $product } برابط تسجيل دخول أُرسل إلى هذا العنوان.
mail-signin-not-you = إن لم تكن أنت من سجّل الدخول، فبادر فورًا: الرابط أدناه يلغي كل الروابط التي أرسلناها إليك، ويسجّل الخروج من كل الجلسات، ويوقف روابط تسجيل الدخول لحسابك مؤقتًا.

## Your account is locked down
mail-locked-subject = تم قفل حسابك في { $product }
mail-locked-heading = تم قفل حسابك
mail-locked-intro-change = أبلغتنا أنك لم تُجرِ التغيير الأخير على كلمة المرور لحسابك في { $product }.
mail-locked-intro = أبلغتنا أن رسالة وصلتك مؤخرًا من { $product } لا تتعلق بأي إجراء قمت به.
mail-locked-done = ما قمنا به:
mail-locked-voided = لم تعد كلمة المرور التي عُيّنت في ذلك التغيير تعمل: لا يستطيع أحد تسجيل الدخول بها.
mail-locked-links = توقفت كل روابط إعادة تعيين كلمة المرور وتسجيل الدخول التي أرسلناها إليك عن العمل.
mail-locked-sessions = سُجّل الخروج من كل جلسات حسابك.
mail-locked-paused = لا يمكن طلب روابط جديدة لإعادة تعيين كلمة المرور أو لتسجيل الدخول حتى { $until }.
mail-locked-cancelled = أُلغيت روابط إعادة تعيين كلمة المرور وتسجيل الدخول الجديدة.
mail-locked-next = الخطوة التالية: اختر كلمة مرور جديدة بالرابط أدناه. يعمل الرابط مرة واحدة، لمدة { $lifetime }، حتى أثناء إيقاف الطلبات.
mail-locked-then = ثم سجّل الدخول بكلمة المرور الجديدة.
mail-locked-kept = لم تتغيّر كلمة المرور: ما زال بإمكانك تسجيل الدخول بها كالمعتاد.

## No account for this address
mail-none-subject = { $product }: لا يوجد حساب بهذا العنوان
mail-none-heading = لا يوجد حساب بهذا العنوان
mail-none-intro = طلب أحدهم في { $product } رابطًا لإعادة تعيين كلمة المرور أو لتسجيل الدخول لعنوان البريد الإلكتروني هذا، لكن لا يوجد حساب في { $product } بهذا العنوان.
mail-none-you = إن كنت أنت من طلبه، فربما أنشأت حسابك بعنوان بريد إلكتروني آخر؛ جرّب ذلك العنوان.
mail-none-not-you = إن لم تكن أنت من طلبه، فيمكنك تجاهل هذه الرسالة. لم يتغيّر شيء.
