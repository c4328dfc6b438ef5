import {
  formatDateTime,
  formatDuration,
  formatList,
  formatNumber,
  formatSeconds,
  plural,
} from '../format.ts';
import type { Messages } from './en.ts';

const locale = 'es';
const number = (value: number): string => formatNumber(locale, value);
const duration = (ms: number): string => formatDuration(locale, ms);
const HIDE_IP = '«Ocultar mi dirección IP»';

const room = {
  next: 'Siguiente',
  showVideo: 'Mostrar vídeo',
  heading: 'Chat con una persona desconocida',
  video: 'Vídeo',
  strangerVideo: 'Vídeo de la otra persona',
  yourVideo: 'Tu vídeo',
  blurred: 'Vídeo difuminado hasta que decidas verlo.',
  reconnecting: (seconds: number) => `Reconectando… ${formatSeconds(locale, seconds)}`,
  notSendingVideo: 'La otra persona no está enviando vídeo.',
  moveTile: 'Mover tu vídeo a otra esquina',
  textOnly: {
    'permission-denied':
      'La cámara y el micrófono están bloqueados para este sitio, así que este chat es solo de texto. Para permitirlos, haz clic en el icono a la izquierda de la barra de direcciones (un candado o una cámara), pon Cámara y Micrófono en «Permitir» y pulsa Parar y luego Empezar.',
    'no-devices':
      'No se ha encontrado ninguna cámara ni micrófono, así que este chat es solo de texto. Conecta uno y pulsa Parar y luego Empezar.',
    'device-busy':
      'Otra aplicación está usando tu cámara o tu micrófono, así que este chat es solo de texto. Cierra esa aplicación y pulsa Parar y luego Empezar.',
    unsupported:
      'Este navegador no permite usar la cámara en esta página, así que este chat es solo de texto.',
  },
  textChat: 'Chat de texto',
  messages: 'Mensajes del chat',
  pictureNotSent: 'No se ha podido enviar la imagen.',
  pictureRefused: 'La imagen se ha rechazado.',
  imageFromStranger: 'Imagen de la otra persona',
  imageYouSent: 'Imagen que has enviado',
  sendingImage: 'Enviando imagen',
  receivingImage: 'Recibiendo imagen',
  typing: 'La otra persona está escribiendo…',
  personalDataKinds: {
    phone: 'un número de teléfono',
    email: 'una dirección de correo electrónico',
    address: 'una dirección postal',
  },
  personalData: (kinds: readonly string[]) =>
    `Parece ${formatList(locale, kinds)}. La otra persona podría guardarlo para siempre. Pulsa Enviar otra vez para enviarlo de todos modos, o edita tu mensaje.`,
  message: 'Mensaje',
  typeMessage: 'Escribe un mensaje',
  chatClosed: 'El chat se abre cuando estés conectado',
  send: 'Enviar',
  sendImage: 'Enviar imagen',
  privacyNote:
    'Los mensajes y las imágenes van directamente al navegador de la otra persona, sin pasar por nuestro servidor. Las imágenes se vuelven a dibujar antes, así que se eliminan la ubicación y los datos de la cámara.',
  call: 'Llamada',
  stop: 'Parar',
  muteMicrophone: 'Silenciar micrófono',
  cameraOff: 'Apagar cámara',
  switchCamera: 'Cambiar de cámara',
  sheet: 'Seguridad y ajustes',
  soundCues: 'Avisos sonoros',
  shortcuts: 'Atajos:',
  escapeKey: 'Esc',
  enterKey: 'Intro',
  arrowsBefore: 'las flechas del teclado sobre el botón',
  arrowsAfter: 'mueven tu vídeo.',
  close: 'Cerrar',
  report: 'Denunciar',
  block: 'Bloquear',
  blurVideo: 'Difuminar vídeo',
  safetyCode: 'Código de seguridad',
  safetyCodeHint:
    'La otra persona debería ver el mismo código. Si el suyo es distinto, alguien podría estar escuchando: pulsa Siguiente.',
  route: 'Ruta de la conexión',
  relayed: 'Retransmitida',
  direct: 'Directa',
  routeDirect: 'El navegador de la otra persona puede ver tu dirección IP.',
  routeRelayed: 'La otra persona ve la dirección de nuestro servidor de retransmisión, no la tuya.',
  routeRelayedShared: `El audio y el vídeo pasan por nuestro servidor de retransmisión, pero tu navegador compartió sus direcciones con el de la otra persona al conectarse. ${HIDE_IP} lo evita.`,
  appliesNext: 'Se aplica a partir de la próxima persona.',
  camera: 'Cámara',
  microphone: 'Micrófono',
  reportTitle: 'Denunciar a esta persona',
  reportHint:
    'El chat termina y no volveréis a coincidir. La denuncia cuenta contra su conexión, nunca te nombra y no guarda ningún mensaje, imagen ni vídeo.',
  reportQuestion: '¿Qué ha pasado?',
  reasons: {
    sexual: 'Desnudos o contenido sexual',
    harassment: 'Acoso',
    underage: 'Parece menor de 18 años',
    spam: 'Spam o estafa',
    other: 'Otra cosa',
  },
  reportAndLeave: 'Denunciar y salir',
  cancel: 'Cancelar',
};

const es: Messages = {
  room,
  nav: {
    label: 'Sitio',
    connectionTest: 'Prueba de conexión',
    privacy: 'Privacidad',
    language: 'Idioma',
  },
  page: {
    title: 'Mayfly: habla con una persona desconocida',
    description: 'Videochat anónimo y privado, de uno a uno, con personas desconocidas.',
    checkingBrowser: 'Comprobando tu navegador',
    sessionFailed:
      'Mayfly no se ha podido cargar del todo. Comprueba tu conexión y vuelve a cargar la página.',
    roomFailed: 'No se ha podido cargar el chat. Comprueba tu conexión y pulsa Empezar de nuevo.',
  },
  error: {
    notFound: 'Esta página no existe.',
    failed: 'Algo ha fallado. Recarga la página para volver a intentarlo.',
    back: 'Volver al chat',
  },
  start: {
    heading: 'Habla con una persona desconocida',
    noticeLead: 'Antes de empezar:',
    notice:
      'la otra persona puede grabar o capturar todo lo que muestres, digas y envíes. No compartas datos personales como tu nombre completo, tu dirección, tu teléfono o dónde estudias o trabajas.',
    nickname: 'Apodo',
    nicknameHint: 'Opcional. Solo lo ve la otra persona.',
    nicknameError: (max) =>
      `Hasta ${number(max)} letras, cifras, espacios, puntos, guiones o guiones bajos; debe empezar por una letra o una cifra.`,
    interests: 'Intereses',
    interestsHint:
      'Opcional, separados por comas, p. ej. «música, ajedrez». Intentamos emparejarte con alguien que comparta alguno.',
    interestsError: (count, length) =>
      `Hasta ${number(count)} intereses separados por comas, cada uno una palabra de hasta ${number(length)} letras o cifras.`,
    languages: 'Idiomas que hablas',
    languagesChosen: 'Idiomas que hablas:',
    anyLanguage: 'cualquiera',
    languagesHint: (max) =>
      `Hasta ${number(max)}. Primero te emparejamos con alguien que hable alguno de ellos y, pasados unos segundos, con cualquiera.`,
    languagesOnly: 'Solo personas que hablen mi idioma',
    languagesOnlyHint:
      'Nunca con nadie más. Si durante un rato no llega nadie que hable alguno de tus idiomas, la búsqueda se detiene y te avisa.',
    hideIp: 'Ocultar mi dirección IP',
    hideIpHint:
      'El vídeo pasa por nuestro servidor de retransmisión, así la otra persona nunca ve tu dirección IP. Algo más lento.',
    testConnection: 'Prueba tu conexión',
    safeStart: 'Difuminar el vídeo hasta que yo decida verlo',
    safeStartHint: `El vídeo de cada persona empieza difuminado; pulsa «${room.showVideo}» cuando quieras. Se recuerda solo en esta pestaña.`,
    adult: 'Tengo 18 años o más',
    rules: `Mayfly es para personas adultas. Trata a los demás con respeto; sal de cualquier chat con ${room.next} o Escape.`,
    start: 'Empezar',
  },
  chat: {
    unreadablePicture: 'No se ha podido leer ese archivo como imagen.',
    pictureTooLarge: 'Esa imagen es demasiado grande para enviarla, incluso reducida.',
    strangerPictureRefused:
      'La otra persona intentó enviar una imagen demasiado grande o una de más; se ha rechazado.',
    strangerNotUnderstood:
      'Algo que envió el navegador de la otra persona no se ha entendido y se ha ignorado.',
    strangerTooFast:
      'La otra persona está enviando mensajes demasiado rápido; algunos no se han mostrado.',
    youReported: 'Has denunciado a esta persona. No volveréis a coincidir.',
    youBlocked: 'Has bloqueado a esta persona. No volveréis a coincidir.',
    strangerLeft: 'La otra persona se ha ido.',
    safetyCodeChanged:
      'El código de seguridad cambió al reconstruirse la conexión. Compara el nuevo con la otra persona.',
    microphoneFailed: 'No se ha podido abrir ese micrófono.',
    cameraFailed: 'No se ha podido abrir esa cámara.',
    you: 'Tú',
    stranger: 'Desconocido',
  },
  status: {
    idle: 'Pulsa Empezar para conocer a alguien.',
    connectingToServer: 'Conectando con el servidor…',
    offline: 'No se puede contactar con el servidor. Reintentando automáticamente…',
    checking: 'Comprobando tu navegador…',
    checkFailed:
      'Este navegador no ha superado la comprobación del servidor contra el abuso automatizado. Recarga la página para volver a intentarlo o prueba con otro navegador.',
    banned: (minutes) =>
      plural(locale, minutes, {
        one: 'Varias personas han denunciado esta conexión hace poco. Podrás volver a empezar dentro de # minuto.',
        other:
          'Varias personas han denunciado esta conexión hace poco. Podrás volver a empezar dentro de # minutos.',
      }),
    searchEnded: (languages) =>
      `Durante un rato no ha llegado nadie que hable ${languages}, así que hemos dejado de buscar. Pulsa Empezar para buscar de nuevo o desmarca «Solo personas que hablen mi idioma» para conocer a cualquiera.`,
    invalidNickname: 'El servidor no ha aceptado ese apodo. Prueba solo con letras y cifras.',
    invalidInterests: 'El servidor no ha aceptado esos intereses. Usa hasta 5 palabras cortas.',
    invalidLanguages: 'El servidor no ha aceptado esos idiomas. Elige hasta 3.',
    unreachable: 'El servidor no ha respondido. Pulsa Empezar para volver a intentarlo.',
    refused: 'El servidor ha rechazado iniciar un chat. Pulsa Empezar para volver a intentarlo.',
    requestingMedia: 'Pidiendo acceso a tu cámara y tu micrófono…',
    waiting: 'Buscando a alguien…',
    waitingChecking: 'Buscando a alguien… Comprobando tu navegador…',
    waitingOffline:
      'Buscando a alguien… Ahora mismo no se puede contactar con el servidor; reintentando automáticamente.',
    strangerFound: 'Hemos encontrado a alguien. Conectando…',
    reconnecting: 'Se ha cortado la conexión con la otra persona. Reconectando…',
    connected: (who, interests, languages) =>
      `Conexión establecida con ${who ?? 'una persona desconocida'}.` +
      (interests.length > 0 ? ` A los dos os gusta ${formatList(locale, interests)}.` : '') +
      (languages !== '' ? ` Los dos habláis ${languages}.` : ''),
    reported: `Has denunciado a esta persona; no volveréis a coincidir. Pulsa ${room.next} para conocer a alguien nuevo.`,
    blocked: `Has bloqueado a esta persona; no volveréis a coincidir. Pulsa ${room.next} para conocer a alguien nuevo.`,
    partnerLeft: `La otra persona se ha ido. Pulsa ${room.next} para conocer a alguien nuevo.`,
    failedRelayOnly: `No se ha podido conectar con la otra persona. Pulsa ${room.next} para probar con otra.`,
    failed: `No se ha podido conectar con la otra persona. Una red restrictiva puede bloquear las conexiones directas: marca ${HIDE_IP} (modo retransmisión) y pulsa ${room.next}.`,
  },
  privacy: {
    title: 'Privacidad · Mayfly',
    heading: 'Privacidad',
    summary:
      'En resumen: sin cuenta, sin cookies, nada guardado en tu navegador y sin scripts de terceros. El vídeo, la voz, los mensajes y las imágenes van directamente entre tú y la otra persona, cifrados; nuestro servidor solo os presenta. Los detalles siguientes salen directamente de la configuración del servidor en funcionamiento.',
    serverLanguage: 'El servidor escribe estos detalles en inglés.',
    loadFailed:
      'Ahora mismo no se ha podido cargar la declaración de privacidad del servidor. Recarga la página para volver a intentarlo.',
    loading: 'Cargando la declaración de privacidad del servidor…',
    back: 'Volver al chat',
    yes: 'Sí',
    no: 'No',
    notStated: 'No se indica.',
    none: 'Ninguno.',
    nothingListed: 'Nada en la lista.',
    number,
    dateTime: (date) => formatDateTime(locale, date),
    titles: {
      service: 'Servicio',
      matchingState: 'Mientras esperas o chateas',
      where: 'Dónde se guarda',
      held: 'Qué se guarda',
      inTransit: 'Lo que pasa entre servidores',
      retention: 'Durante cuánto tiempo',
      reports: 'Denuncias, bloqueos y expulsiones',
      kept: 'Qué se conserva',
      ban: 'Expulsiones temporales',
      whoCanSee: 'Quién puede verlo',
      blockMinutes: 'Un bloqueo dura (minutos)',
      banReports: 'Denuncias que provocan una expulsión (de direcciones distintas)',
      reportWindowMinutes: 'Una denuncia cuenta durante (minutos)',
      banMinutes: 'Una expulsión dura (minutos)',
      generatedAt: 'Declaración generada',
      logging: 'Qué registra el servidor',
      what: 'Se registra',
      never: 'Nunca se registra',
      clientIdentifier: 'Cómo se te distingue en el registro',
      retentionDays: 'Se conserva durante (días)',
      deletion: 'Borrado',
      ipAddresses: 'Tu dirección IP',
      server: 'Nuestro servidor',
      stranger: 'La otra persona',
      hideMyIp: HIDE_IP,
      available: 'Disponible',
      defaultOn: 'Activado por defecto',
      how: 'Cómo funciona',
      cookies: 'Cookies',
      thirdPartyScripts: 'Scripts de terceros',
      thirdPartyRequests: 'Peticiones a otros sitios',
      browserStorage: 'Almacenamiento en tu navegador',
      dataFlow: 'Adónde van tu vídeo, tus mensajes y tus imágenes',
      media: 'Vídeo y audio',
      messages: 'Mensajes de texto',
      images: 'Imágenes',
      signaling: 'Establecimiento de la conexión',
      turn: 'Servidor de retransmisión (TURN)',
      mode: 'Modo',
      policy: 'Política',
      credentials: 'Credenciales',
      encryption: 'Cifrado',
      moderation: 'Moderación',
      limits: 'Límites',
      metrics: 'Métricas para quien opera el servicio',
      enabled: 'Activadas',
    },
  },
  connectivity: {
    title: 'Prueba de conexión · Mayfly',
    heading: 'Prueba tu conexión',
    intro: `Comprueba, sin llamar a nadie, si tu red permite que Mayfly te conecte con otra persona: directamente o a través de nuestro servidor de retransmisión cuando ${HIDE_IP} está marcado. Tarda unos segundos.`,
    duration,
    startsSoon: 'La prueba empieza enseguida…',
    connectingToServer: 'Conectando con el servidor de Mayfly…',
    testing: (timeoutMs) => `Probando tu conexión… Tarda como máximo ${duration(timeoutMs)}.`,
    resultsHeading: 'Lo que ha encontrado tu navegador',
    addressType: 'Tipo de dirección',
    whatItIs: 'Qué es',
    found: 'Encontradas',
    count: number,
    candidateLabel: {
      host: 'Local (host)',
      srflx: 'Pública (srflx)',
      prflx: 'Reflexiva del par (prflx)',
      relay: 'Retransmisión (relay)',
    },
    candidateMeaning: {
      host: 'una dirección de este dispositivo en su red local',
      srflx: 'tu dirección pública, tal como la ve nuestro servidor STUN',
      prflx: 'una dirección descubierta al probar una conexión',
      relay: 'una dirección en nuestro servidor TURN, que puede retransmitir la llamada por ti',
    },
    firstRelay: (ms) => `Tiempo hasta la primera dirección de retransmisión: ${duration(ms)}.`,
    nothingYet: 'Nada todavía.',
    meaningHeading: 'Qué significa',
    showDetails: 'Mostrar detalles',
    detailsWarning:
      'Incluyen tus propias direcciones. Cierra los detalles antes de hacer una captura de pantalla o compartir esta página.',
    after: (ms) => `tras ${duration(ms)}`,
    noAddresses: 'No se ha obtenido ninguna dirección.',
    browserErrors: 'Errores indicados por el navegador:',
    runAgain: 'Repetir la prueba',
    back: 'Volver al chat',
    serverUnreachable:
      'La prueba no ha podido empezar: el servidor de Mayfly no ha respondido. Comprueba tu conexión a internet y repite la prueba.',
    unsupported:
      'Este navegador no ha podido iniciar una conexión WebRTC, así que el videochat no funcionará en él. Prueba con una versión actual de Firefox, Chrome, Edge o Safari.',
    headlineRelayWorks: `Prueba terminada. TURN funciona: ${HIDE_IP} funcionará en esta red.`,
    headlineRelayUnreachable: `Prueba terminada. No se llega al servidor de retransmisión: ${HIDE_IP} no funcionará en esta red.`,
    headlineNoRelay: `Prueba terminada. Este servidor no tiene retransmisión, así que ${HIDE_IP} no está disponible.`,
    headlineUnlikely: ' Es poco probable que las llamadas se conecten desde esta red.',
    relayTopic: 'Retransmisión (TURN)',
    relayWorks: (answeredMs) =>
      `TURN funciona: nuestro servidor de retransmisión ha dado una dirección a este navegador.${answeredMs === undefined ? '' : ` Ha respondido en ${duration(answeredMs)}.`} Con ${HIDE_IP} marcado, la otra persona ve la dirección del servidor de retransmisión, no la tuya.`,
    relayNotOffered: `Este servidor no ofrece retransmisión TURN, así que ${HIDE_IP} no puede funcionar y en redes restrictivas puede que no haya conexión. Solo quien opera el sitio puede cambiarlo.`,
    relayMissing: (refused, timedOutAfterMs) =>
      `No ha llegado ninguna dirección de retransmisión, así que ${HIDE_IP} no funcionará en esta red. ` +
      (refused
        ? 'El servidor de retransmisión ha rechazado las credenciales que recibió esta página; quien opera el sitio debería revisar su configuración TURN.'
        : 'No se llega al servidor TURN desde aquí: un cortafuegos, una VPN o la red pueden estar bloqueando el tráfico UDP hacia él.') +
      (timedOutAfterMs === undefined
        ? ''
        : ` No ha llegado respuesta en ${duration(timedOutAfterMs)}.`),
    stunTopic: 'Dirección pública (STUN)',
    stunWorks: `Nuestro servidor STUN ha encontrado tu dirección pública, así que las conexiones directas con la mayoría de personas deberían funcionar. En una llamada directa, el navegador de la otra persona puede ver esa dirección; ${HIDE_IP} lo evita.`,
    stunNotOffered:
      'Este servidor no ofrece STUN, así que no se ha consultado tu dirección pública. Las llamadas directas pueden funcionar igualmente a través de la retransmisión o en redes abiertas.',
    stunMissing: (relayWorks) =>
      'No ha llegado ninguna dirección pública. O este dispositivo no está detrás de un router que traduce direcciones (y entonces su dirección local es la pública), o la red bloquea STUN. Si las llamadas no se conectan, ' +
      (relayWorks
        ? `marca ${HIDE_IP}: aquí la retransmisión funciona.`
        : 'prueba con otra red: tampoco se llega al servidor de retransmisión.'),
    hostTopic: 'Direcciones locales (host)',
    hostNone:
      'Tu navegador no ha ofrecido ninguna dirección local. Es normal cuando una opción del navegador, una extensión o una VPN las oculta, o en una máquina cuya única red es su propio loopback.',
    hostHidden: (count) =>
      plural(locale, count, {
        one: 'Tu navegador ha ofrecido una dirección local, oculta tras un nombre «.local» aleatorio, así que la IP local real sigue siendo privada.',
        other:
          'Tu navegador ha ofrecido # direcciones locales, cada una oculta tras un nombre «.local» aleatorio, así que la IP local real sigue siendo privada.',
      }),
    hostReal: (count, allReal) =>
      plural(locale, count, {
        one: `Tu navegador ha ofrecido una dirección local, ${allReal ? 'como dirección IP real' : 'en parte como direcciones IP reales'} de este dispositivo. En una llamada directa la otra persona puede verla; ${HIDE_IP} la mantiene fuera de la llamada.`,
        other: `Tu navegador ha ofrecido # direcciones locales, ${allReal ? 'como direcciones IP reales' : 'algunas como direcciones IP reales'} de este dispositivo. En una llamada directa la otra persona puede verlas; ${HIDE_IP} las mantiene fuera de la llamada.`,
      }),
  },
};

export default es;
