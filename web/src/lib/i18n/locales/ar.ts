import { formatDateTime, formatDuration, formatList, formatNumber, plural } from '../format.ts';
import type { Messages } from './en.ts';

const locale = 'ar';
const number = (value: number): string => formatNumber(locale, value);
const duration = (ms: number): string => formatDuration(locale, ms);
const HIDE_IP = '«إخفاء عنوان IP الخاص بي»';

const room = {
  next: 'التالي',
  showVideo: 'إظهار الفيديو',
};

/** "in N minutes", with Arabic's six plural forms. */
const inMinutes = (minutes: number): string =>
  plural(locale, minutes, {
    zero: 'بعد # دقيقة',
    one: 'بعد دقيقة واحدة',
    two: 'بعد دقيقتين',
    few: 'بعد # دقائق',
    many: 'بعد # دقيقة',
    other: 'بعد # دقيقة',
  });

/** "N local addresses". */
const localAddresses = (count: number): string =>
  plural(locale, count, {
    zero: 'لا عناوين محلية',
    one: 'عنوانًا محليًا واحدًا',
    two: 'عنوانين محليين',
    few: '# عناوين محلية',
    many: '# عنوانًا محليًا',
    other: '# عنوان محلي',
  });

const ar: Messages = {
  room,
  nav: {
    label: 'الموقع',
    connectionTest: 'اختبار الاتصال',
    privacy: 'الخصوصية',
    language: 'اللغة',
  },
  page: {
    title: 'Mayfly: تحدّث مع شخص غريب',
    description: 'دردشة فيديو مجهولة الهوية بين شخصين غريبين، بخصوصية.',
    checkingBrowser: 'جارٍ فحص متصفحك',
    sessionFailed: 'تعذّر تحميل Mayfly بالكامل. تحقّق من اتصالك وأعد تحميل الصفحة.',
    roomFailed: 'تعذّر تحميل الدردشة. تحقّق من اتصالك واضغط «ابدأ» مرة أخرى.',
  },
  error: {
    notFound: 'هذه الصفحة غير موجودة.',
    failed: 'حدث خطأ ما. أعد تحميل الصفحة للمحاولة مجددًا.',
    back: 'العودة إلى الدردشة',
  },
  start: {
    heading: 'تحدّث مع شخص غريب',
    noticeLead: 'قبل أن تبدأ:',
    notice:
      'يستطيع الطرف الآخر تسجيل أو تصوير كل ما تعرضه وتقوله وترسله. لا تشارك بيانات شخصية مثل اسمك الكامل أو عنوانك أو رقم هاتفك أو مكان دراستك أو عملك.',
    nickname: 'الاسم المستعار',
    nicknameHint: 'اختياري. يراه الطرف الآخر فقط.',
    nicknameError: (max) =>
      `حتى ${number(max)} من الحروف أو الأرقام أو المسافات أو النقاط أو الشرطات أو الشرطات السفلية، على أن يبدأ بحرف أو رقم.`,
    interests: 'الاهتمامات',
    interestsHint: 'اختياري، مفصولة بفواصل، مثل «موسيقى، شطرنج». نحاول أن نجمعك بشخص يشاركك أحدها.',
    interestsError: (count, length) =>
      `حتى ${number(count)} اهتمامات مفصولة بفواصل، كل منها كلمة من ${number(length)} حرفًا أو رقمًا على الأكثر.`,
    languages: 'اللغات التي تتحدثها',
    languagesChosen: 'اللغات التي تتحدثها:',
    anyLanguage: 'أي لغة',
    languagesHint: (max) =>
      `حتى ${number(max)}. نجمعك أولًا بشخص يتحدث إحداها، ثم بأي شخص بعد ثوانٍ قليلة.`,
    languagesOnly: 'فقط من يتحدثون لغتي',
    languagesOnlyHint:
      'لا أحد غيرهم أبدًا. إذا لم يأتِ أحد يتحدث إحدى لغاتك لبعض الوقت، يتوقف البحث ويخبرك بذلك.',
    hideIp: 'إخفاء عنوان IP الخاص بي',
    hideIpHint:
      'يمرّ الفيديو عبر خادم الترحيل لدينا، فلا يرى الطرف الآخر عنوان IP الخاص بك أبدًا. أبطأ قليلًا.',
    testConnection: 'اختبر اتصالك',
    safeStart: 'تمويه الفيديو إلى أن أختار رؤيته',
    safeStartHint: `يبدأ فيديو كل شخص جديد مموّهًا؛ اضغط «${room.showVideo}» عندما تكون مستعدًا. يُحفَظ هذا الخيار في هذه العلامة فقط.`,
    adult: 'عمري 18 عامًا أو أكثر',
    rules: `Mayfly للبالغين. كن محترمًا؛ غادر أي دردشة بزر «${room.next}» أو بمفتاح Esc.`,
    start: 'ابدأ',
  },
  chat: {
    unreadablePicture: 'تعذّرت قراءة هذا الملف كصورة.',
    pictureTooLarge: 'هذه الصورة أكبر من أن تُرسَل، حتى بعد تصغيرها.',
    strangerPictureRefused: 'حاول الطرف الآخر إرسال صورة كبيرة جدًا أو صورة زائدة عن الحد؛ فرُفضت.',
    strangerNotUnderstood: 'أرسل متصفح الطرف الآخر شيئًا لم يُفهَم، فتم تجاهله.',
    strangerTooFast: 'يرسل الطرف الآخر رسائل بسرعة كبيرة؛ لم يُعرض بعضها.',
    youReported: 'أبلغت عن هذا الشخص. لن تُجمعا معًا مرة أخرى.',
    youBlocked: 'حظرت هذا الشخص. لن تُجمعا معًا مرة أخرى.',
    strangerLeft: 'غادر الطرف الآخر.',
    microphoneFailed: 'تعذّر فتح هذا الميكروفون.',
    cameraFailed: 'تعذّر فتح هذه الكاميرا.',
  },
  status: {
    idle: 'اضغط «ابدأ» لتتعرّف على شخص غريب.',
    connectingToServer: 'جارٍ الاتصال بالخادم…',
    offline: 'تعذّر الوصول إلى الخادم. تجري إعادة المحاولة تلقائيًا…',
    checking: 'جارٍ فحص متصفحك…',
    checkFailed:
      'لم يجتز هذا المتصفح فحص الخادم ضد الإساءة الآلية. أعد تحميل الصفحة للمحاولة مجددًا، أو جرّب متصفحًا آخر.',
    banned: (minutes) =>
      `أبلغ عدة أشخاص عن هذا الاتصال مؤخرًا. يمكنك البدء من جديد ${inMinutes(minutes)}.`,
    searchEnded: (languages) =>
      `لم يأتِ أحد يتحدث ${languages} منذ مدة، فأوقفنا البحث. اضغط «ابدأ» للبحث مجددًا، أو ألغِ تحديد «فقط من يتحدثون لغتي» لتلتقي بأي شخص.`,
    invalidNickname: 'لم يقبل الخادم هذا الاسم المستعار. جرّب الحروف والأرقام فقط.',
    invalidInterests: 'لم يقبل الخادم هذه الاهتمامات. استخدم حتى 5 كلمات قصيرة.',
    invalidLanguages: 'لم يقبل الخادم هذه اللغات. اختر حتى 3.',
    unreachable: 'لم يُجب الخادم. اضغط «ابدأ» للمحاولة مجددًا.',
    refused: 'رفض الخادم بدء دردشة. اضغط «ابدأ» للمحاولة مجددًا.',
    requestingMedia: 'جارٍ طلب الوصول إلى الكاميرا والميكروفون…',
    waiting: 'جارٍ البحث عن شخص غريب…',
    waitingChecking: 'جارٍ البحث عن شخص غريب… جارٍ فحص متصفحك…',
    waitingOffline:
      'جارٍ البحث عن شخص غريب… تعذّر الوصول إلى الخادم الآن؛ تجري إعادة المحاولة تلقائيًا.',
    strangerFound: 'وجدنا شخصًا. جارٍ الاتصال…',
    reconnecting: 'انقطع الاتصال بالطرف الآخر. جارٍ إعادة الاتصال…',
    connected: (who, interests, languages) =>
      (who === undefined ? 'أنت متصل الآن بشخص غريب.' : `أنت متصل الآن بـ${who}.`) +
      (interests.length > 0 ? ` كلاكما يحب ${formatList(locale, interests)}.` : '') +
      (languages !== '' ? ` كلاكما يتحدث ${languages}.` : ''),
    reported: `أبلغت عن هذا الشخص؛ لن تُجمعا معًا مرة أخرى. اضغط «${room.next}» لتتعرّف على شخص جديد.`,
    blocked: `حظرت هذا الشخص؛ لن تُجمعا معًا مرة أخرى. اضغط «${room.next}» لتتعرّف على شخص جديد.`,
    partnerLeft: `غادر الطرف الآخر. اضغط «${room.next}» لتتعرّف على شخص جديد.`,
    failedRelayOnly: `تعذّر الاتصال بالطرف الآخر. اضغط «${room.next}» لتجرّب شخصًا آخر.`,
    failed: `تعذّر الاتصال بالطرف الآخر. قد تحجب شبكة صارمة الاتصالات المباشرة: حدّد ${HIDE_IP} (وضع الترحيل) واضغط «${room.next}».`,
  },
  privacy: {
    title: 'الخصوصية · Mayfly',
    heading: 'الخصوصية',
    summary:
      'باختصار: لا حساب، ولا ملفات تعريف ارتباط، ولا شيء يُخزَّن في متصفحك، ولا نصوص برمجية من جهات خارجية. يمرّ الفيديو والصوت والرسائل والصور مباشرةً بينك وبين الطرف الآخر، مشفّرةً؛ خادمنا يعرّف أحدكما بالآخر فقط. التفاصيل أدناه مأخوذة مباشرةً من إعدادات الخادم العامل.',
    serverLanguage: 'يكتب الخادم هذه التفاصيل بالإنجليزية.',
    loadFailed: 'تعذّر تحميل بيان الخصوصية الخاص بالخادم الآن. أعد تحميل الصفحة للمحاولة مجددًا.',
    loading: 'جارٍ تحميل بيان الخصوصية الخاص بالخادم…',
    back: 'العودة إلى الدردشة',
    yes: 'نعم',
    no: 'لا',
    notStated: 'غير مذكور.',
    none: 'لا شيء.',
    nothingListed: 'لا شيء مدرج.',
    number,
    dateTime: (date) => formatDateTime(locale, date),
    titles: {
      service: 'الخدمة',
      matchingState: 'أثناء الانتظار أو الدردشة',
      where: 'مكان الحفظ',
      held: 'ما يُحتفَظ به',
      inTransit: 'ما يمرّ بين الخوادم',
      retention: 'لأي مدة',
      reports: 'البلاغات والحظر والمنع',
      kept: 'ما يُحفَظ',
      ban: 'المنع المؤقت',
      whoCanSee: 'من يمكنه رؤيته',
      blockMinutes: 'مدة الحظر (بالدقائق)',
      banReports: 'عدد البلاغات المؤدية إلى المنع (من عناوين مختلفة)',
      reportWindowMinutes: 'مدة احتساب البلاغ (بالدقائق)',
      banMinutes: 'مدة المنع (بالدقائق)',
      generatedAt: 'تاريخ إنشاء البيان',
      logging: 'ما يسجّله الخادم',
      what: 'ما يُسجَّل',
      never: 'ما لا يُسجَّل أبدًا',
      clientIdentifier: 'كيف تُميَّز في السجل',
      retentionDays: 'مدة الحفظ (بالأيام)',
      deletion: 'الحذف',
      ipAddresses: 'عنوان IP الخاص بك',
      server: 'خادمنا',
      stranger: 'الطرف الآخر',
      hideMyIp: HIDE_IP,
      available: 'متاح',
      defaultOn: 'مفعّل افتراضيًا',
      how: 'كيف يعمل',
      cookies: 'ملفات تعريف الارتباط',
      thirdPartyScripts: 'نصوص برمجية من جهات خارجية',
      thirdPartyRequests: 'طلبات إلى مواقع أخرى',
      browserStorage: 'التخزين في متصفحك',
      dataFlow: 'إلى أين يذهب الفيديو والرسائل والصور',
      media: 'الفيديو والصوت',
      messages: 'الرسائل النصية',
      images: 'الصور',
      signaling: 'إنشاء الاتصال',
      turn: 'خادم الترحيل (TURN)',
      mode: 'الوضع',
      policy: 'السياسة',
      credentials: 'بيانات الاعتماد',
      encryption: 'التشفير',
      moderation: 'الإشراف',
      limits: 'الحدود',
      metrics: 'مقاييس للمشغّل',
      enabled: 'مفعّلة',
    },
  },
  connectivity: {
    title: 'اختبار الاتصال · Mayfly',
    heading: 'اختبر اتصالك',
    intro: `يتحقق هذا الاختبار، دون الاتصال بأحد، مما إذا كانت شبكتك تسمح لـMayfly بأن يصلك بشخص آخر: مباشرةً، أو عبر خادم الترحيل لدينا عند تحديد ${HIDE_IP}. يستغرق بضع ثوانٍ.`,
    duration,
    startsSoon: 'سيبدأ الاختبار بعد لحظات…',
    connectingToServer: 'جارٍ الاتصال بخادم Mayfly…',
    testing: (timeoutMs) => `جارٍ اختبار اتصالك… يستغرق هذا ${duration(timeoutMs)} على الأكثر.`,
    resultsHeading: 'ما وجده متصفحك',
    addressType: 'نوع العنوان',
    whatItIs: 'ما هو',
    found: 'العدد',
    count: number,
    candidateLabel: {
      host: 'محلي (host)',
      srflx: 'عام (srflx)',
      prflx: 'منعكس من الطرف الآخر (prflx)',
      relay: 'ترحيل (relay)',
    },
    candidateMeaning: {
      host: 'عنوان لهذا الجهاز على شبكته المحلية',
      srflx: 'عنوانك العام كما يراه خادم STUN لدينا',
      prflx: 'عنوان عُرف أثناء اختبار اتصال',
      relay: 'عنوان على خادم الترحيل TURN لدينا، يمكنه تمرير المكالمة نيابةً عنك',
    },
    firstRelay: (ms) => `الوقت حتى أول عنوان ترحيل: ${duration(ms)}.`,
    nothingYet: 'لا شيء بعد.',
    meaningHeading: 'ماذا يعني هذا',
    showDetails: 'إظهار التفاصيل',
    detailsWarning:
      'تتضمن هذه التفاصيل عناوينك أنت. أغلقها قبل أن تلتقط لقطة شاشة أو تشارك هذه الصفحة.',
    after: (ms) => `بعد ${duration(ms)}`,
    noAddresses: 'لم يُجمع أي عنوان.',
    browserErrors: 'أخطاء أبلغ عنها المتصفح:',
    runAgain: 'أعد الاختبار',
    back: 'العودة إلى الدردشة',
    serverUnreachable:
      'تعذّر بدء الاختبار: لم يُجب خادم Mayfly. تحقّق من اتصالك بالإنترنت وأعد الاختبار.',
    unsupported:
      'تعذّر على هذا المتصفح بدء اتصال WebRTC، لذا لن تعمل دردشة الفيديو فيه. جرّب إصدارًا حديثًا من Firefox أو Chrome أو Edge أو Safari.',
    headlineRelayWorks: `انتهى الاختبار. TURN يعمل: سيعمل ${HIDE_IP} على هذه الشبكة.`,
    headlineRelayUnreachable: `انتهى الاختبار. تعذّر الوصول إلى خادم الترحيل: لن يعمل ${HIDE_IP} على هذه الشبكة.`,
    headlineNoRelay: `انتهى الاختبار. لا يملك هذا الخادم خادم ترحيل، لذا ${HIDE_IP} غير متاح.`,
    headlineUnlikely: ' من غير المرجح أن تنجح المكالمات من هذه الشبكة.',
    relayTopic: 'الترحيل (TURN)',
    relayWorks: (answeredMs) =>
      `TURN يعمل: أعطى خادم الترحيل لدينا هذا المتصفح عنوانًا.${answeredMs === undefined ? '' : ` أجاب خلال ${duration(answeredMs)}.`} عند تحديد ${HIDE_IP} يرى الطرف الآخر عنوان خادم الترحيل، لا عنوانك.`,
    relayNotOffered: `لا يوفّر هذا الخادم ترحيل TURN، لذا لا يمكن أن يعمل ${HIDE_IP}، وقد لا تتصل الشبكات الصارمة إطلاقًا. وحده مشغّل الموقع يستطيع تغيير ذلك.`,
    relayMissing: (refused, timedOutAfterMs) =>
      `لم يصل أي عنوان ترحيل، لذا لن يعمل ${HIDE_IP} على هذه الشبكة. ` +
      (refused
        ? 'رفض خادم الترحيل بيانات الدخول التي أُعطيت لهذه الصفحة؛ على مشغّل الموقع مراجعة إعدادات TURN.'
        : 'لا يمكن الوصول إلى خادم الترحيل TURN من هنا: قد يحجب جدار حماية أو شبكة VPN أو الشبكة نفسها حركة UDP إليه.') +
      (timedOutAfterMs === undefined ? '' : ` لم يصل أي رد خلال ${duration(timedOutAfterMs)}.`),
    stunTopic: 'العنوان العام (STUN)',
    stunWorks: `وجد خادم STUN لدينا عنوانك العام، لذا يُفترض أن تعمل الاتصالات المباشرة مع معظم الأشخاص. في المكالمة المباشرة يستطيع متصفح الطرف الآخر رؤية هذا العنوان؛ ${HIDE_IP} يمنع ذلك.`,
    stunNotOffered:
      'لا يوفّر هذا الخادم خادم STUN، لذا لم يُبحث عن عنوانك العام. قد تعمل المكالمات المباشرة مع ذلك عبر الترحيل أو على الشبكات المفتوحة.',
    stunMissing: (relayWorks) =>
      'لم يصل أي عنوان عام. إما أن هذا الجهاز ليس خلف موجّه يترجم العناوين (وعندها يكون عنوانه المحلي هو العام)، وإما أن الشبكة تحجب STUN. إذا لم تنجح المكالمات، ' +
      (relayWorks
        ? `فحدّد ${HIDE_IP}: الترحيل يعمل هنا.`
        : 'فجرّب شبكة أخرى: لا يمكن الوصول إلى خادم الترحيل أيضًا.'),
    hostTopic: 'العناوين المحلية (host)',
    hostNone:
      'لم يقدّم متصفحك أي عنوان محلي. هذا طبيعي عندما يخفيها إعداد في المتصفح أو إضافة أو شبكة VPN، أو على جهاز شبكته الوحيدة هي الاسترجاع الذاتي (loopback).',
    hostHidden: (count) =>
      `قدّم متصفحك ${localAddresses(count)}، كلٌّ منها مخفي خلف اسم «.local» عشوائي، فيبقى عنوان IP المحلي الحقيقي خاصًا.`,
    hostReal: (count, allReal) =>
      `قدّم متصفحك ${localAddresses(count)} لهذا الجهاز، ${allReal ? 'كعناوين IP حقيقية' : 'بعضها كعناوين IP حقيقية'}. يستطيع الطرف الآخر في المكالمة المباشرة رؤيتها؛ ${HIDE_IP} يبقيها خارج المكالمة.`,
  },
};

export default ar;
