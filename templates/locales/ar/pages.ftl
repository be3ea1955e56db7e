# Lifeline's pages in Arabic (Modern Standard Arabic), written right to left.

language-name = العربية
language-switch = اللغة

## Layout
footer-help = هل تحتاج إلى مساعدة؟ راسلنا على

## Forgot password
forgot-title = هل نسيت كلمة المرور؟
forgot-intro = أدخل عنوان البريد الإلكتروني لحسابك، وسنرسل إليك رابطًا لاختيار كلمة مرور جديدة.
email-label = البريد الإلكتروني
forgot-submit = أرسل لي رابطًا
back-to-sign-in = العودة إلى تسجيل الدخول
email-invalid = أدخل عنوان بريدك الإلكتروني، مثل name@example.com.

## Check your inbox
check-inbox-title = تفقّد بريدك الوارد
check-inbox-sent = { $what ->
    [reset] إذا كان هناك حساب بهذا العنوان، فقد أرسلنا إليه رسالة تتضمن رابطًا لاختيار كلمة مرور جديدة.
    [sign-in] إذا كان هناك حساب بهذا العنوان، فقد أرسلنا إليه رسالة تتضمن رابطًا لتسجيل الدخول.
   *[other] إذا كان هناك حساب بهذا العنوان، فقد أرسلنا إليه رسالة تتضمن رابطًا.
}
check-inbox-lifetime = يعمل الرابط مرة واحدة فقط، ولمدة { $lifetime } من الآن. بعد ذلك، اطلب رابطًا جديدًا.
check-inbox-spam = لم يصلك شيء بعد بضع دقائق؟ تحقّق من مجلد الرسائل غير المرغوب فيها، أو
ask-new-link-lower = اطلب رابطًا جديدًا
remembered-password = هل تذكّرت كلمة المرور؟
sign-in-link = سجّل الدخول

## Durations
duration-seconds = { $count ->
    [zero] { $count } ثانية
    [one] ثانية واحدة
    [two] ثانيتان
    [few] { $count } ثوانٍ
    [many] { $count } ثانية
   *[other] { $count } ثانية
}
duration-minutes = { $count ->
    [zero] { $count } دقيقة
    [one] دقيقة واحدة
    [two] دقيقتان
    [few] { $count } دقائق
    [many] { $count } دقيقة
   *[other] { $count } دقيقة
}
duration-hours = { $count ->
    [zero] { $count } ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { $count } ساعات
    [many] { $count } ساعة
   *[other] { $count } ساعة
}
# A moment, e.g. "4 ديسمبر 2026، الساعة 10:15 UTC": $day, $month (1 to 12) and $year are
# numbers, $time is "10:15" and $zone the zone's name.
datetime = { $day } { $month ->
    [1] يناير
    [2] فبراير
    [3] مارس
    [4] أبريل
    [5] مايو
    [6] يونيو
    [7] يوليو
    [8] أغسطس
    [9] سبتمبر
    [10] أكتوبر
    [11] نوفمبر
   *[12] ديسمبر
} { $year }، الساعة { $time } { $zone }

## Links that do not work
link-invalid-title = هذا الرابط لا يعمل
link-invalid-body = { $what ->
    [reset] لا يمكن استخدام رابط إعادة تعيين كلمة المرور هذا.
    [sign-in] لا يمكن استخدام رابط تسجيل الدخول هذا.
   *[other] لا يمكن استخدام هذا الرابط.
} ربما انتهت صلاحيته، أو استُخدم من قبل، أو حلّ محلّه رابط أحدث. حرصًا على أمانك، يعمل كل رابط مرة واحدة فقط ولمدة قصيرة. لم يتغيّر شيء.
link-invalid-next = ما الخطوة التالية: اطلب رابطًا جديدًا وافتح أحدث رسالة نرسلها إليك.
ask-new-link = اطلب رابطًا جديدًا
know-password = هل تعرف كلمة المرور؟
other-browser-title = افتح هذا الرابط في المتصفح الذي طلبته منه
other-browser-body = حرصًا على أمانك، لا يعمل رابط تسجيل الدخول إلا في المتصفح الذي طلبته منه. انسخ الرابط من الرسالة إلى ذلك المتصفح، أو اطلب رابطًا جديدًا من هنا.

## Sign in
sign-in-title = تسجيل الدخول
password-label = كلمة المرور
sign-in-with-link-instead = سجّل الدخول برابط بدلًا من ذلك
forgot-link = هل نسيت كلمة المرور؟
sign-in-failed = لا يطابق عنوان البريد الإلكتروني وكلمة المرور هذان أيّ حساب.

## Magic link
magic-link-title = تسجيل الدخول برابط
magic-link-intro = أدخل عنوان البريد الإلكتروني لحسابك، وسنرسل إليك رابطًا يسجّل دخولك مباشرة، دون الحاجة إلى كلمة مرور.
magic-link-same-browser = افتح الرابط في هذا المتصفح: فهو لا يعمل إلا حيث طلبته.
magic-link-submit = أرسل لي رابط تسجيل الدخول
sign-in-with-password-instead = سجّل الدخول بكلمة المرور بدلًا من ذلك
magic-verify-about = أنت على وشك تسجيل الدخول باسم
magic-verify-press = اضغط الزر لتسجيل الدخول. بعد ذلك يتوقف الرابط الموجود في رسالتك عن العمل، فهو صالح لمرة واحدة فقط.
magic-verify-not-you = لم تطلب ذلك؟ أغلق هذه الصفحة؛ لن يحدث شيء ما لم تضغط الزر.

## Reset form
reset-title = اختر كلمة مرور جديدة
for-account = للحساب
password-hint = استخدم { $min } حرفًا على الأقل. عبارات المرور الطويلة هي الأسهل تذكّرًا.
reset-signs-in = عند حفظها، يُسجَّل خروج كل المتصفحات المسجّلة الدخول إلى هذا الحساب، ويُسجَّل دخول هذا المتصفح بكلمة المرور الجديدة. بعد ذلك يتوقف الرابط الموجود في رسالتك عن العمل.
reset-signs-out = عند حفظها، يُسجَّل خروج كل المتصفحات المسجّلة الدخول إلى هذا الحساب، ثم تسجّل الدخول من جديد بكلمة المرور الجديدة. بعد ذلك يتوقف الرابط الموجود في رسالتك عن العمل.
new-password-label = كلمة المرور الجديدة
repeat-password-label = أعد كتابة كلمة المرور الجديدة
reset-submit = احفظ كلمة المرور الجديدة
notice-sign-in-after-reset = تم تغيير كلمة المرور. سجّل الدخول بكلمة المرور الجديدة.
notice-signed-in-after-reset = تم تغيير كلمة المرور وتسجيل الخروج من الجلسات الأخرى. أنت الآن مسجّل الدخول.

password-too-short = استخدم { $min } حرفًا على الأقل.
password-too-long = استخدم { $max } حرفًا على الأكثر.
password-common = كلمة المرور هذه من أكثر كلمات المرور شيوعًا، لذا يسهل تخمينها. اختر كلمة مرور أخرى.
password-same-as-email = لا يمكن أن تكون كلمة المرور هي عنوان بريدك الإلكتروني.
password-mismatch = كلمتا المرور غير متطابقتين.
password-directory-too-short = يتطلب الدليل كلمة مرور أطول. اختر كلمة مرور أطول.
password-directory-too-weak = يرى الدليل أن كلمة المرور هذه سهلة التخمين. اختر كلمة مرور أقوى.
password-directory-recently-used = استُخدمت كلمة المرور هذه مؤخرًا. اختر كلمة مرور لم تستخدمها من قبل.
password-directory-too-soon = غُيّرت كلمة المرور قبل وقت قصير جدًا ولا يمكن تغييرها مرة أخرى بعد. حاول لاحقًا.
password-directory-not-allowed = لا يسمح الدليل بتغيير كلمة مرور هذا الحساب هنا. تواصل مع المسؤول.
password-directory-refused = رفض الدليل كلمة المرور هذه. اختر كلمة مرور أخرى.

## Account
account-title = حسابك
signed-in-as = أنت مسجّل الدخول باسم
pause-heading = روابط إعادة التعيين وتسجيل الدخول متوقفة مؤقتًا
pause-until = بعد «لم أكن أنا»، لن يُرسَل أي رابط جديد لإعادة تعيين كلمة المرور أو لتسجيل الدخول إلى هذا الحساب حتى
pause-remaining = (بعد نحو { $remaining }). وحتى ذلك الحين، لا يؤدي طلب رابط إلى إرسال أي رسالة.
pause-can-change = بما أنك مسجّل الدخول، فما زال بإمكانك تغيير كلمة المرور من الرابط أدناه.
change-password-link = تغيير كلمة المرور
events-heading = أحدث الأحداث الأمنية
event-from = من { $ip }
see-sessions = اطّلع على الأماكن التي سجّلت الدخول منها
event-password-reset = تغيير كلمة المرور برابط إعادة التعيين
event-sign-in = تسجيل الدخول بكلمة المرور
event-password-changed = تغيير كلمة المرور أثناء تسجيل الدخول
event-magic-link = تسجيل الدخول برابط عبر البريد الإلكتروني
event-not-me = قفل الحساب بعد «لم أكن أنا»: أُلغيت الروابط وسُجّل الخروج من الجلسات
event-other = حدث أمني
sign-out = تسجيل الخروج

## Change password
change-password-title = غيّر كلمة المرور
set-password-title = عيّن كلمة مرور
change-password-intro = عند تغييرها، يُسجَّل خروج كل المتصفحات الأخرى المسجّلة الدخول إلى هذا الحساب، ويبقى هذا المتصفح مسجّل الدخول. وسنرسل إليك رسالة نُعلمك فيها بالتغيير.
current-password-label = كلمة المرور الحالية
change-password-submit = تغيير كلمة المرور
no-password-yet = ليست له كلمة مرور بعد: فأنت تسجّل الدخول بروابط تصلك عبر البريد الإلكتروني.
your-account = حسابك
set-password-how = لتعيين كلمة مرور، اطلب رابط إعادة تعيين. سيُرسَل إلى { $email }، فلا يستطيع تعيينها إلا صاحب ذلك البريد.
set-password-button = أرسل لي رابطًا لتعيين كلمة مرور
back-to-account = العودة إلى حسابك
notice-password-changed = تم تغيير كلمة المرور وتسجيل الخروج من الجلسات الأخرى.
current-password-wrong = هذه ليست كلمة المرور الحالية. لم يتغيّر شيء؛ اكتبها مرة أخرى.

## Sessions
sessions-title = جلساتك
sessions-intro = هذه المتصفحات مسجّلة الدخول باسم { $email }. إن لم تتعرّف على أحدها، فسجّل خروجه وغيّر كلمة المرور. الأوقات بالتوقيت العالمي المنسّق (UTC)، وتنتهي الجلسة بعد 12 ساعة دون استخدام.
browser-description = { $name ->
    [none] { $os ->
        [none] متصفح غير معروف
       *[other] متصفح على { $os }
    }
   *[other] { $os ->
        [none] { $name }
       *[other] { $name } على { $os }
    }
}
this-browser = (هذا المتصفح)
session-signed-in = سُجّل الدخول { $method ->
    [password] بكلمة المرور
    [link] برابط عبر البريد الإلكتروني
   *[reset] بعد إعادة تعيين كلمة المرور
}{ $ip ->
    [none] {""}
   *[other] {" "}من { $ip }
}،
session-last-seen = آخر نشاط:
session-sign-out-label = تسجيل الخروج من { $browser }، آخر نشاط: { $seen }
sign-out-everywhere-else = سجّل الخروج من كل الأماكن الأخرى
no-other-sessions = لا يوجد متصفح آخر مسجّل الدخول.
notice-session-signed-out = تم تسجيل الخروج من تلك الجلسة.
notice-others-signed-out = { $count ->
    [zero] لم تكن هناك أي جلسة أخرى مسجّلة الدخول.
    [one] تم تسجيل الخروج من جلسة أخرى واحدة.
    [two] تم تسجيل الخروج من جلستين أخريين.
    [few] تم تسجيل الخروج من { $count } جلسات أخرى.
    [many] تم تسجيل الخروج من { $count } جلسة أخرى.
   *[other] تم تسجيل الخروج من { $count } جلسة أخرى.
}
session-not-yours = هذه الجلسة ليست من جلساتك النشطة.

## "This wasn't me"
not-me-changed-title = التراجع عن تغيير كلمة مرور لم تقم به
not-me-links-title = إلغاء روابط لم تطلبها
not-me-changed-intro = تم تغيير كلمة مرور { $email }. إن لم تكن أنت من غيّرها، فاضغط الزر أدناه. سيؤدي ذلك إلى:
not-me-stop-password = إيقاف كلمة المرور الجديدة فورًا، فلا يستطيع أحد تسجيل الدخول بها،
not-me-sign-out-all-including = تسجيل الخروج من كل الجلسات، بما فيها الجلسة التي غيّرتها،
not-me-cancel-links = إلغاء كل الروابط التي أرسلناها إليك،
not-me-pause = إيقاف طلبات روابط إعادة التعيين وتسجيل الدخول الجديدة مؤقتًا لمدة { $pause }،
not-me-pause-last = إيقاف طلبات روابط إعادة التعيين وتسجيل الدخول الجديدة مؤقتًا لمدة { $pause }.
not-me-recovery = إرسال رابط إليك، على هذا العنوان وحده، لاختيار كلمة مرور جديدة. يعمل هذا الرابط لمدة { $lifetime }، حتى أثناء إيقاف الطلبات.
not-me-links-intro = أرسلنا إلى { $email } رابطًا لإعادة تعيين كلمة المرور أو لتسجيل الدخول. إن لم تطلبه، فاضغط الزر أدناه. سيؤدي ذلك إلى:
not-me-sign-out-all = تسجيل الخروج من كل الجلسات،
not-me-password-stays = تبقى كلمة المرور كما هي: يمكنك مواصلة تسجيل الدخول بها.
not-me-changed-submit = أوقف كلمة المرور الجديدة واقفل حسابي
not-me-links-submit = ألغِ الروابط واقفل حسابي
locked-title = تم قفل حسابك
locked-voided = لم تعد كلمة المرور الجديدة تعمل، وسُجّل الخروج من كل الجلسات، وأُلغيت كل الروابط التي أرسلناها إليك.
next-steps = الخطوات التالية
locked-check-inbox = ابحث في بريدك الوارد عن رسالتنا «تم قفل حسابك». فيها رابط لاختيار كلمة مرور جديدة، ويعمل الرابط لمدة { $lifetime }.
locked-choose = اختر كلمة مرور جديدة بذلك الرابط.
locked-sign-in-new = بكلمة المرور الجديدة.
locked-links = أُلغيت كل الروابط التي أرسلناها إليك وسُجّل الخروج من كل الجلسات. لا يمكن طلب روابط جديدة لإعادة التعيين أو لتسجيل الدخول لمدة { $pause }. وقد أرسلنا إليك تأكيدًا بالبريد الإلكتروني.
locked-password-kept = لم تتغيّر كلمة المرور:
locked-sign-in-as-usual = بها كالمعتاد.
locked-new-sign-in-link = سجّل الدخول
locked-kept-sign-in-link = سجّل الدخول
error-sign-in = سجّل الدخول
if-know-password-link = فسجّل الدخول
not-me-invalid-body = يعمل رابط «لم أكن أنا» مرة واحدة، لمدة 24 ساعة. إن كنت قد ضغطت زرّه من قبل، فحسابك مقفل بالفعل: توضّح رسالتنا «تم قفل حسابك» ما جرى وما الخطوة التالية.
not-me-invalid-expired = أما إن كانت صلاحية الرابط قد انتهت، فلم يتغيّر شيء.
if-know-password = إن كنت تعرف كلمة المرور،
if-cannot-sign-in = إن لم تستطع تسجيل الدخول، فراسلنا على

## Development mailbox
mailbox-title = صندوق بريد التطوير
mailbox-intro = الرسائل المرسلة عبر وسيلة النقل mailbox. هذه الصفحة غير موجودة في وضع الإنتاج.
mailbox-to = إلى { $recipient } · { $at }
mailbox-empty = لا توجد رسائل بعد.
mailbox-ask-reset = اطلب رابط إعادة تعيين
mailbox-back = → صندوق البريد
mailbox-links = الروابط في هذه الرسالة:
mailbox-html-part = جزء HTML
mailbox-html-sandbox = كما يعرضه برنامج البريد، داخل بيئة معزولة: لا يعمل أي برنامج نصي، ويُفتح الرابط في علامة تبويب جديدة.
mailbox-html-title = جزء HTML من { $subject }
mailbox-text-part = الجزء النصي
mailbox-no-message = لا توجد رسالة كهذه.
mailbox-no-html = لا تحتوي هذه الرسالة على جزء HTML.

## Error pages
error-start-again = ابدأ من جديد
error-or = أو
error-csrf = انتهت صلاحية هذا النموذج أو لم يُرسَل من هذا الموقع. ارجع، وأعد تحميل الصفحة، ثم حاول مرة أخرى.
error-too-many = جرت محاولات كثيرة جدًا في وقت قصير، لذا لم تُنفَّذ هذه المحاولة. حاول مرة أخرى بعد { $wait }.
error-unavailable = الخدمة مشغولة أو غير متاحة لفترة وجيزة. حاول مرة أخرى بعد { $wait }.
error-internal = حدث خطأ من جهتنا. يُرجى المحاولة مرة أخرى.
error-not-found = لا يوجد شيء هنا.
error-method = لا يمكن استخدام هذه الصفحة بهذه الطريقة.
error-form-type = أرسل النموذج بصيغة application/x-www-form-urlencoded وبترميز UTF-8.
error-too-large = النموذج كبير جدًا.
error-unreadable = تعذّرت قراءة النموذج. أعد تحميل الصفحة وحاول مرة أخرى.
error-bad-address = هذا العنوان غير صالح.
error-other = تعذّرت معالجة هذا الطلب.
error-unknown-language = هذه اللغة غير متوفرة هنا. اختر لغة من القائمة أسفل الصفحة.
error-another-link = فُتح رابط آخر في هذا المتصفح بعد عرض هذه الصفحة. أصبحت الصفحة الآن خاصة بذلك الرابط: تحقّق من الحساب، ثم حاول مرة أخرى.
status-400 = طلب غير صالح
status-403 = غير مسموح
status-404 = غير موجود
status-405 = طريقة غير مسموح بها
status-408 = انتهت مهلة الطلب
status-413 = الطلب كبير جدًا
status-415 = تنسيق غير مدعوم
status-429 = طلبات كثيرة جدًا
status-500 = خطأ داخلي
status-503 = الخدمة غير متاحة
status-other = خطأ
