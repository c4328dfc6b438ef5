import {
  formatDateTime,
  formatDuration,
  formatList,
  formatNumber,
  formatSeconds,
  plural,
} from '../format.ts';
import type { Messages } from './en.ts';

const locale = 'tr';
const number = (value: number): string => formatNumber(locale, value);
const duration = (ms: number): string => formatDuration(locale, ms);
const HIDE_IP = '“IP adresimi gizle”';

const room = {
  next: 'Sonraki',
  showVideo: 'Videoyu göster',
  heading: 'Bir yabancıyla sohbet',
  video: 'Video',
  strangerVideo: 'Karşındaki kişinin videosu',
  yourVideo: 'Senin videon',
  blurred: 'Görmeyi seçene kadar video bulanık.',
  reconnecting: (seconds: number) => `Yeniden bağlanılıyor… ${formatSeconds(locale, seconds)}`,
  notSendingVideo: 'Karşındaki kişi video göndermiyor.',
  moveTile: 'Videonu başka bir köşeye taşı',
  textOnly: {
    'permission-denied':
      'Kamera ve mikrofon bu site için engelli, bu yüzden bu yalnızca yazılı bir sohbet. İzin vermek için adres çubuğunun solundaki simgeye (kilit ya da kamera) tıkla, Kamera ve Mikrofon’u “İzin ver” yap, sonra Durdur’a ve yeniden Başla’ya bas.',
    'no-devices':
      'Kamera ya da mikrofon bulunamadı, bu yüzden bu yalnızca yazılı bir sohbet. Birini bağla, sonra Durdur’a ve yeniden Başla’ya bas.',
    'device-busy':
      'Kameran ya da mikrofonun başka bir uygulama tarafından kullanılıyor, bu yüzden bu yalnızca yazılı bir sohbet. O uygulamayı kapat, sonra Durdur’a ve yeniden Başla’ya bas.',
    unsupported:
      'Bu tarayıcı bu sayfada kameraya erişime izin vermiyor, bu yüzden bu yalnızca yazılı bir sohbet.',
  },
  textChat: 'Yazılı sohbet',
  messages: 'Sohbet mesajları',
  pictureNotSent: 'Resim gönderilemedi.',
  pictureRefused: 'Resim reddedildi.',
  imageFromStranger: 'Karşındaki kişiden gelen resim',
  imageYouSent: 'Gönderdiğin resim',
  sendingImage: 'Resim gönderiliyor',
  receivingImage: 'Resim alınıyor',
  typing: 'Karşındaki kişi yazıyor…',
  personalDataKinds: {
    phone: 'bir telefon numarası',
    email: 'bir e-posta adresi',
    address: 'bir açık adres',
  },
  personalData: (kinds: readonly string[]) =>
    `Bu, ${formatList(locale, kinds)} gibi görünüyor. Karşındaki kişi bunu sonsuza kadar saklayabilir. Yine de göndermek için Gönder’e tekrar bas ya da mesajını düzenle.`,
  message: 'Mesaj',
  typeMessage: 'Bir mesaj yaz',
  chatClosed: 'Sohbet, bağlandığında açılır',
  send: 'Gönder',
  sendImage: 'Resim gönder',
  privacyNote:
    'Mesajlar ve resimler sunucumuzdan geçmeden doğrudan karşındaki kişinin tarayıcısına gider. Resimler önce yeniden çizilir, böylece konum ve kamera bilgileri silinir.',
  call: 'Görüşme',
  stop: 'Durdur',
  muteMicrophone: 'Mikrofonu kapat',
  cameraOff: 'Kamerayı kapat',
  switchCamera: 'Kamerayı değiştir',
  sheet: 'Güvenlik ve ayarlar',
  soundCues: 'Sesli uyarılar',
  shortcuts: 'Kısayollar:',
  escapeKey: 'Esc',
  enterKey: 'Enter',
  arrowsBefore: 'ok tuşları',
  arrowsAfter: 'düğmesinin üzerindeyken videonu taşır.',
  close: 'Kapat',
  report: 'Şikâyet et',
  block: 'Engelle',
  blurVideo: 'Videoyu bulanıklaştır',
  safetyCode: 'Güvenlik kodu',
  safetyCodeHint:
    'Karşındaki kişi de aynı kodu görmeli. Onunki farklıysa biri dinliyor olabilir: Sonraki düğmesine bas.',
  route: 'Bağlantı yolu',
  relayed: 'Aktarmalı',
  direct: 'Doğrudan',
  routeDirect: 'Karşındaki kişinin tarayıcısı IP adresini görebilir.',
  routeRelayed: 'Karşındaki kişi senin adresini değil, aktarma sunucumuzun adresini görür.',
  routeRelayedShared: `Ses ve görüntü aktarma sunucumuzdan geçiyor, ama tarayıcın bağlanırken adreslerini karşındaki kişinin tarayıcısıyla paylaştı. ${HIDE_IP} bunu önler.`,
  appliesNext: 'Sonraki kişiden itibaren geçerli.',
  camera: 'Kamera',
  microphone: 'Mikrofon',
  reportTitle: 'Bu kişiyi şikâyet et',
  reportHint:
    'Sohbet biter ve bir daha eşleşmezsiniz. Şikâyet onun bağlantısı aleyhine sayılır, seni asla belli etmez ve hiçbir mesaj, resim ya da video saklamaz.',
  reportQuestion: 'Ne oldu?',
  reasons: {
    sexual: 'Çıplaklık ya da cinsel içerik',
    harassment: 'Taciz',
    underage: '18 yaşından küçük görünüyor',
    spam: 'Spam ya da dolandırıcılık',
    other: 'Başka bir şey',
  },
  reportAndLeave: 'Şikâyet et ve çık',
  cancel: 'Vazgeç',
};

const tr: Messages = {
  room,
  nav: {
    label: 'Site',
    connectionTest: 'Bağlantı testi',
    privacy: 'Gizlilik',
    language: 'Dil',
  },
  page: {
    title: 'Mayfly: bir yabancıyla konuş',
    description: 'Yabancılarla anonim, birebir ve gizli görüntülü sohbet.',
    checkingBrowser: 'Tarayıcın kontrol ediliyor',
    sessionFailed: 'Mayfly tam olarak yüklenemedi. Bağlantını kontrol et ve sayfayı yeniden yükle.',
    roomFailed: 'Sohbet yüklenemedi. Bağlantını kontrol et ve yeniden Başla’ya bas.',
  },
  error: {
    notFound: 'Bu sayfa yok.',
    failed: 'Bir şeyler ters gitti. Yeniden denemek için sayfayı yenile.',
    back: 'Sohbete dön',
  },
  start: {
    heading: 'Bir yabancıyla konuş',
    noticeLead: 'Başlamadan önce:',
    notice:
      'karşındaki kişi gösterdiğin, söylediğin ve gönderdiğin her şeyi kaydedebilir ya da ekran görüntüsünü alabilir. Tam adın, adresin, telefon numaran, nerede okuduğun ya da çalıştığın gibi kişisel bilgileri paylaşma.',
    nickname: 'Takma ad',
    nicknameHint: 'İsteğe bağlı. Yalnızca karşındaki kişi görür.',
    nicknameError: (max) =>
      `En fazla ${number(max)} harf, rakam, boşluk, nokta, tire ya da alt çizgi; bir harf ya da rakamla başlamalı.`,
    interests: 'İlgi alanları',
    interestsHint:
      'İsteğe bağlı, virgülle ayrılmış, ör. “müzik, satranç”. Seni bunlardan birini paylaşan biriyle eşleştirmeye çalışırız.',
    interestsError: (count, length) =>
      `Virgülle ayrılmış en fazla ${number(count)} ilgi alanı; her biri en fazla ${number(length)} harf ya da rakamdan oluşan tek bir kelime.`,
    languages: 'Konuştuğun diller',
    languagesChosen: 'Konuştuğun diller:',
    anyLanguage: 'herhangi biri',
    languagesHint: (max) =>
      `En fazla ${number(max)}. Önce bunlardan birini konuşan biriyle, birkaç saniye sonra da herhangi biriyle eşleştiririz.`,
    languagesOnly: 'Yalnızca benim dilimi konuşanlar',
    languagesOnlyHint:
      'Asla başka biri değil. Bir süre dillerinden birini konuşan kimse gelmezse arama durur ve sana haber verir.',
    hideIp: 'IP adresimi gizle',
    hideIpHint:
      'Görüntü, aktarma sunucumuz üzerinden gider; böylece karşındaki kişi IP adresini hiç görmez. Biraz daha yavaştır.',
    testConnection: 'Bağlantını test et',
    safeStart: 'Görmeyi seçene kadar videoyu bulanıklaştır',
    safeStartHint: `Her yeni kişinin videosu bulanık başlar; hazır olduğunda “${room.showVideo}” düğmesine bas. Yalnızca bu sekmede hatırlanır.`,
    adult: '18 yaşında ya da daha büyüğüm',
    rules: `Mayfly yetişkinler içindir. Saygılı ol; herhangi bir sohbetten ${room.next} ya da Esc ile çık.`,
    start: 'Başla',
  },
  chat: {
    unreadablePicture: 'Bu dosya resim olarak okunamadı.',
    pictureTooLarge: 'Bu resim küçültüldükten sonra bile gönderilemeyecek kadar büyük.',
    strangerPictureRefused:
      'Karşındaki kişi çok büyük ya da fazladan bir resim göndermeye çalıştı; reddedildi.',
    strangerNotUnderstood:
      'Karşındaki kişinin tarayıcısının gönderdiği bir şey anlaşılamadı ve yok sayıldı.',
    strangerTooFast: 'Karşındaki kişi çok hızlı mesaj gönderiyor; bazıları gösterilmedi.',
    youReported: 'Bu kişiyi şikâyet ettin. Bir daha eşleşmeyeceksiniz.',
    youBlocked: 'Bu kişiyi engelledin. Bir daha eşleşmeyeceksiniz.',
    strangerLeft: 'Karşındaki kişi ayrıldı.',
    safetyCodeChanged:
      'Bağlantı yeniden kurulurken güvenlik kodu değişti. Yenisini karşındaki kişiyle karşılaştır.',
    microphoneFailed: 'Bu mikrofon açılamadı.',
    cameraFailed: 'Bu kamera açılamadı.',
    you: 'Sen',
    stranger: 'Yabancı',
  },
  status: {
    idle: 'Biriyle tanışmak için Başla’ya bas.',
    connectingToServer: 'Sunucuya bağlanılıyor…',
    offline: 'Sunucuya ulaşılamıyor. Kendiliğinden yeniden deneniyor…',
    checking: 'Tarayıcın kontrol ediliyor…',
    checkFailed:
      'Bu tarayıcı, sunucunun otomatik kötüye kullanıma karşı kontrolünü geçemedi. Yeniden denemek için sayfayı yenile ya da başka bir tarayıcı dene.',
    banned: (minutes) =>
      plural(locale, minutes, {
        other:
          'Birkaç kişi bu bağlantıyı yakın zamanda şikâyet etti. # dakika sonra yeniden başlayabilirsin.',
      }),
    searchEnded: (languages) =>
      `Bir süredir ${languages} konuşan kimse gelmedi, bu yüzden aramayı durdurduk. Yeniden aramak için Başla’ya bas ya da herkesle tanışmak için “Yalnızca benim dilimi konuşanlar” işaretini kaldır.`,
    invalidNickname: 'Sunucu bu takma adı kabul etmedi. Yalnızca harf ve rakam kullanmayı dene.',
    invalidInterests: 'Sunucu bu ilgi alanlarını kabul etmedi. En fazla 5 kısa kelime kullan.',
    invalidLanguages: 'Sunucu bu dilleri kabul etmedi. En fazla 3 tane seç.',
    unreachable: 'Sunucu yanıt vermedi. Yeniden denemek için Başla’ya bas.',
    refused: 'Sunucu sohbet başlatmayı reddetti. Yeniden denemek için Başla’ya bas.',
    requestingMedia: 'Kameran ve mikrofonun için izin isteniyor…',
    waiting: 'Biri aranıyor…',
    waitingChecking: 'Biri aranıyor… Tarayıcın kontrol ediliyor…',
    waitingOffline:
      'Biri aranıyor… Sunucuya şu anda ulaşılamıyor; kendiliğinden yeniden deneniyor.',
    strangerFound: 'Biri bulundu. Bağlanılıyor…',
    reconnecting: 'Karşındaki kişiyle bağlantı koptu. Yeniden bağlanılıyor…',
    connected: (who, interests, languages) =>
      `Bağlandın: ${who ?? 'bir yabancı'}.` +
      (interests.length > 0
        ? ` İkiniz de şunları seviyorsunuz: ${formatList(locale, interests)}.`
        : '') +
      (languages !== '' ? ` İkinizin de konuştuğu diller: ${languages}.` : ''),
    reported: `Bu kişiyi şikâyet ettin; bir daha eşleşmeyeceksiniz. Yeni biriyle tanışmak için ${room.next} düğmesine bas.`,
    blocked: `Bu kişiyi engelledin; bir daha eşleşmeyeceksiniz. Yeni biriyle tanışmak için ${room.next} düğmesine bas.`,
    partnerLeft: `Karşındaki kişi ayrıldı. Yeni biriyle tanışmak için ${room.next} düğmesine bas.`,
    failedRelayOnly: `Karşındaki kişiye bağlanılamadı. Başka birini denemek için ${room.next} düğmesine bas.`,
    failed: `Karşındaki kişiye bağlanılamadı. Katı bir ağ doğrudan bağlantıları engelliyor olabilir: ${HIDE_IP} seçeneğini işaretle (aktarma modu) ve ${room.next} düğmesine bas.`,
  },
  privacy: {
    title: 'Gizlilik · Mayfly',
    heading: 'Gizlilik',
    summary:
      'Kısacası: hesap yok, çerez yok, tarayıcında hiçbir şey saklanmaz, üçüncü taraf betik yok. Görüntü, ses, mesajlar ve resimler şifreli olarak doğrudan seninle karşındaki kişi arasında gider; sunucumuz yalnızca sizi tanıştırır. Aşağıdaki ayrıntılar doğrudan çalışan sunucunun yapılandırmasından gelir.',
    serverLanguage: 'Sunucu bu ayrıntıları İngilizce yazar.',
    loadFailed:
      'Sunucunun gizlilik beyanı şu anda yüklenemedi. Yeniden denemek için sayfayı yenile.',
    loading: 'Sunucunun gizlilik beyanı yükleniyor…',
    back: 'Sohbete dön',
    yes: 'Evet',
    no: 'Hayır',
    notStated: 'Belirtilmemiş.',
    none: 'Yok.',
    nothingListed: 'Listede bir şey yok.',
    number,
    dateTime: (date) => formatDateTime(locale, date),
    titles: {
      service: 'Hizmet',
      matchingState: 'Beklerken ya da sohbet ederken',
      where: 'Nerede tutulur',
      held: 'Neler tutulur',
      inTransit: 'Sunucular arasında geçenler',
      retention: 'Ne kadar süre',
      reports: 'Şikâyetler, engellemeler ve yasaklar',
      kept: 'Saklananlar',
      ban: 'Geçici yasaklar',
      whoCanSee: 'Kimler görebilir',
      blockMinutes: 'Bir engelleme süresi (dakika)',
      banReports: 'Yasağa yol açan şikâyet sayısı (farklı adresler)',
      reportWindowMinutes: 'Bir şikâyetin geçerli olduğu süre (dakika)',
      banMinutes: 'Bir yasak süresi (dakika)',
      generatedAt: 'Beyanın oluşturulma zamanı',
      logging: 'Sunucunun kaydettikleri',
      what: 'Kaydedilenler',
      never: 'Asla kaydedilmeyenler',
      clientIdentifier: 'Kayıtta nasıl ayırt edildiğin',
      retentionDays: 'Saklama süresi (gün)',
      deletion: 'Silme',
      ipAddresses: 'IP adresin',
      server: 'Sunucumuz',
      stranger: 'Karşındaki kişi',
      hideMyIp: HIDE_IP,
      available: 'Kullanılabilir',
      defaultOn: 'Varsayılan olarak açık',
      how: 'Nasıl çalışır',
      cookies: 'Çerezler',
      thirdPartyScripts: 'Üçüncü taraf betikler',
      thirdPartyRequests: 'Başka sitelere istekler',
      browserStorage: 'Tarayıcındaki depolama',
      dataFlow: 'Görüntün, mesajların ve resimlerin nereye gider',
      media: 'Görüntü ve ses',
      messages: 'Metin mesajları',
      images: 'Resimler',
      signaling: 'Bağlantının kurulması',
      turn: 'Aktarma sunucusu (TURN)',
      mode: 'Mod',
      policy: 'Kural',
      credentials: 'Kimlik bilgileri',
      encryption: 'Şifreleme',
      moderation: 'Denetim',
      limits: 'Sınırlar',
      metrics: 'İşletmeci için ölçümler',
      enabled: 'Açık',
    },
  },
  connectivity: {
    title: 'Bağlantı testi · Mayfly',
    heading: 'Bağlantını test et',
    intro: `Bu test, kimseyi aramadan, ağının Mayfly’ın seni biriyle bağlamasına izin verip vermediğini kontrol eder: doğrudan ya da ${HIDE_IP} işaretliyken aktarma sunucumuz üzerinden. Birkaç saniye sürer.`,
    duration,
    startsSoon: 'Test birazdan başlıyor…',
    connectingToServer: 'Mayfly sunucusuna bağlanılıyor…',
    testing: (timeoutMs) => `Bağlantın test ediliyor… Bu en fazla ${duration(timeoutMs)} sürer.`,
    resultsHeading: 'Tarayıcının buldukları',
    addressType: 'Adres türü',
    whatItIs: 'Nedir',
    found: 'Bulunan',
    count: number,
    candidateLabel: {
      host: 'Yerel (host)',
      srflx: 'Genel (srflx)',
      prflx: 'Eşten yansıyan (prflx)',
      relay: 'Aktarma (relay)',
    },
    candidateMeaning: {
      host: 'bu cihazın yerel ağındaki bir adresi',
      srflx: 'STUN sunucumuzun gördüğü haliyle genel adresin',
      prflx: 'bir bağlantı test edilirken öğrenilen bir adres',
      relay: 'TURN aktarma sunucumuzda, görüşmeni senin yerine iletebilecek bir adres',
    },
    firstRelay: (ms) => `İlk aktarma adresine kadar geçen süre: ${duration(ms)}.`,
    nothingYet: 'Henüz bir şey yok.',
    meaningHeading: 'Bunun anlamı',
    showDetails: 'Ayrıntıları göster',
    detailsWarning:
      'Bunlar kendi adreslerini içerir. Ekran görüntüsü almadan ya da bu sayfayı paylaşmadan önce ayrıntıları kapat.',
    after: (ms) => `${duration(ms)} sonra`,
    noAddresses: 'Hiç adres toplanmadı.',
    browserErrors: 'Tarayıcının bildirdiği hatalar:',
    runAgain: 'Testi yeniden çalıştır',
    back: 'Sohbete dön',
    serverUnreachable:
      'Test başlayamadı: Mayfly sunucusu yanıt vermedi. İnternet bağlantını kontrol et ve testi yeniden çalıştır.',
    unsupported:
      'Bu tarayıcı WebRTC bağlantısı başlatamadı, bu yüzden görüntülü sohbet burada çalışmaz. Güncel bir Firefox, Chrome, Edge ya da Safari dene.',
    headlineRelayWorks: `Test bitti. TURN çalışıyor: ${HIDE_IP} bu ağda çalışır.`,
    headlineRelayUnreachable: `Test bitti. Aktarma sunucusuna ulaşılamıyor: ${HIDE_IP} bu ağda çalışmaz.`,
    headlineNoRelay: `Test bitti. Bu sunucunun aktarma sunucusu yok, bu yüzden ${HIDE_IP} kullanılamaz.`,
    headlineUnlikely: ' Bu ağdan görüşmelerin bağlanması pek olası değil.',
    relayTopic: 'Aktarma (TURN)',
    relayWorks: (answeredMs) =>
      `TURN çalışıyor: aktarma sunucumuz bu tarayıcıya bir adres verdi.${answeredMs === undefined ? '' : ` ${duration(answeredMs)} içinde yanıt verdi.`} ${HIDE_IP} işaretliyken karşındaki kişi senin adresini değil, aktarma sunucusunun adresini görür.`,
    relayNotOffered: `Bu sunucu TURN aktarma sunmuyor, bu yüzden ${HIDE_IP} çalışamaz ve katı ağlarda bağlantı hiç kurulamayabilir. Bunu yalnızca sitenin işletmecisi değiştirebilir.`,
    relayMissing: (refused, timedOutAfterMs) =>
      `Hiç aktarma adresi gelmedi, bu yüzden ${HIDE_IP} bu ağda çalışmaz. ` +
      (refused
        ? 'Aktarma sunucusu bu sayfaya verilen kimlik bilgilerini reddetti; sitenin işletmecisi TURN ayarlarını kontrol etmeli.'
        : 'Sunucunun TURN aktarma sunucusuna buradan ulaşılamıyor: bir güvenlik duvarı, bir VPN ya da ağ ona giden UDP trafiğini engelliyor olabilir.') +
      (timedOutAfterMs === undefined ? '' : ` ${duration(timedOutAfterMs)} içinde yanıt gelmedi.`),
    stunTopic: 'Genel adres (STUN)',
    stunWorks: `STUN sunucumuz genel adresini buldu, bu yüzden çoğu kişiyle doğrudan bağlantı çalışmalı. Doğrudan bir görüşmede karşındaki kişinin tarayıcısı bu adresi görebilir; ${HIDE_IP} bunu önler.`,
    stunNotOffered:
      'Bu sunucu STUN sunmuyor, bu yüzden genel adresine bakılmadı. Doğrudan görüşmeler yine de aktarma üzerinden ya da açık ağlarda çalışabilir.',
    stunMissing: (relayWorks) =>
      'Hiç genel adres gelmedi. Ya bu cihaz adresleri çeviren bir yönlendiricinin arkasında değil (o zaman yerel adresi aynı zamanda genel adresidir) ya da ağ STUN’u engelliyor. Görüşmeler bağlanmazsa ' +
      (relayWorks
        ? `${HIDE_IP} seçeneğini işaretle: aktarma burada çalışıyor.`
        : 'başka bir ağ dene: aktarma sunucusuna da ulaşılamıyor.'),
    hostTopic: 'Yerel adresler (host)',
    hostNone:
      'Tarayıcın hiç yerel adres sunmadı. Bir tarayıcı ayarı, bir eklenti ya da bir VPN bunları gizlediğinde veya tek ağı kendi loopback’i olan bir makinede bu normaldir.',
    hostHidden: (count) =>
      plural(locale, count, {
        one: 'Tarayıcın bir yerel adres sundu; rastgele bir “.local” adının arkasına gizlendiği için gerçek yerel IP gizli kalıyor.',
        other:
          'Tarayıcın # yerel adres sundu; her biri rastgele bir “.local” adının arkasına gizlendiği için gerçek yerel IP gizli kalıyor.',
      }),
    hostReal: (count, allReal) =>
      plural(locale, count, {
        one: `Tarayıcın bu cihazın bir yerel adresini gerçek IP adresi olarak sundu. Doğrudan bir görüşmede karşındaki kişi bunu görebilir; ${HIDE_IP} onu görüşmenin dışında tutar.`,
        other: `Tarayıcın bu cihazın # yerel adresini ${allReal ? 'gerçek IP adresleri olarak' : 'bir kısmını gerçek IP adresi olarak'} sundu. Doğrudan bir görüşmede karşındaki kişi bunları görebilir; ${HIDE_IP} onları görüşmenin dışında tutar.`,
      }),
  },
};

export default tr;
