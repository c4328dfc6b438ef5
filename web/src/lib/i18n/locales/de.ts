import {
  formatDateTime,
  formatDuration,
  formatList,
  formatNumber,
  formatSeconds,
  plural,
} from '../format.ts';
import type { Messages } from './en.ts';

const locale = 'de';
const number = (value: number): string => formatNumber(locale, value);
const duration = (ms: number): string => formatDuration(locale, ms);
const HIDE_IP = '„Meine IP-Adresse verbergen“';

const room = {
  next: 'Weiter',
  showVideo: 'Video zeigen',
  heading: 'Chat mit einer fremden Person',
  video: 'Video',
  strangerVideo: 'Video deines Gegenübers',
  yourVideo: 'Dein Video',
  blurred: 'Video unscharf, bis du es sehen willst.',
  reconnecting: (seconds: number) => `Verbinde neu… ${formatSeconds(locale, seconds)}`,
  notSendingVideo: 'Dein Gegenüber sendet kein Video.',
  moveTile: 'Dein Video in eine andere Ecke verschieben',
  textOnly: {
    'permission-denied':
      'Kamera und Mikrofon sind für diese Website blockiert, daher ist dies ein reiner Text-Chat. Um sie zu erlauben, klicke auf das Symbol links in der Adressleiste (ein Schloss oder eine Kamera), setze Kamera und Mikrofon auf „Erlauben“ und drücke dann Stopp und erneut Start.',
    'no-devices':
      'Es wurde keine Kamera und kein Mikrofon gefunden, daher ist dies ein reiner Text-Chat. Schließe eines an und drücke dann Stopp und erneut Start.',
    'device-busy':
      'Deine Kamera oder dein Mikrofon wird von einer anderen App verwendet, daher ist dies ein reiner Text-Chat. Schließe diese App und drücke dann Stopp und erneut Start.',
    unsupported:
      'Dieser Browser erlaubt auf dieser Seite keinen Kamerazugriff, daher ist dies ein reiner Text-Chat.',
  },
  textChat: 'Text-Chat',
  messages: 'Chatnachrichten',
  pictureNotSent: 'Das Bild konnte nicht gesendet werden.',
  pictureRefused: 'Das Bild wurde abgelehnt.',
  imageFromStranger: 'Bild von deinem Gegenüber',
  imageYouSent: 'Bild, das du gesendet hast',
  sendingImage: 'Bild wird gesendet',
  receivingImage: 'Bild wird empfangen',
  typing: 'Dein Gegenüber schreibt…',
  personalDataKinds: {
    phone: 'eine Telefonnummer',
    email: 'eine E-Mail-Adresse',
    address: 'eine Postanschrift',
  },
  personalData: (kinds: readonly string[]) =>
    `Das sieht aus wie ${formatList(locale, kinds)}. Dein Gegenüber könnte es für immer behalten. Drücke noch einmal Senden, um es trotzdem zu senden, oder ändere deine Nachricht.`,
  message: 'Nachricht',
  typeMessage: 'Nachricht schreiben',
  chatClosed: 'Der Chat öffnet sich, sobald du verbunden bist',
  send: 'Senden',
  sendImage: 'Bild senden',
  privacyNote:
    'Nachrichten und Bilder gehen direkt an den Browser deines Gegenübers, nicht über unseren Server. Bilder werden vorher neu gezeichnet, dabei werden Standort- und Kameradaten entfernt.',
  call: 'Anruf',
  stop: 'Stopp',
  muteMicrophone: 'Mikrofon stumm',
  cameraOff: 'Kamera aus',
  switchCamera: 'Kamera wechseln',
  sheet: 'Sicherheit und Einstellungen',
  soundCues: 'Tonsignale',
  shortcuts: 'Tastenkürzel:',
  escapeKey: 'Esc',
  enterKey: 'Eingabe',
  arrowsBefore: 'Pfeiltasten auf der Schaltfläche',
  arrowsAfter: 'verschieben dein Video.',
  close: 'Schließen',
  report: 'Melden',
  block: 'Blockieren',
  blurVideo: 'Video unscharf',
  safetyCode: 'Sicherheitscode',
  safetyCodeHint:
    'Dein Gegenüber sollte denselben Code sehen. Weicht seiner ab, hört vielleicht jemand mit: Drücke Weiter.',
  route: 'Verbindungsweg',
  relayed: 'Über Relay',
  direct: 'Direkt',
  routeDirect: 'Der Browser deines Gegenübers kann deine IP-Adresse sehen.',
  routeRelayed: 'Dein Gegenüber sieht die Adresse unseres Relays, nicht deine.',
  routeRelayedShared: `Ton und Bild laufen über unser Relay, aber dein Browser hat beim Verbinden seine Adressen mit dem deines Gegenübers geteilt. ${HIDE_IP} verhindert das.`,
  appliesNext: 'Gilt ab der nächsten Person.',
  camera: 'Kamera',
  microphone: 'Mikrofon',
  reportTitle: 'Diese Person melden',
  reportHint:
    'Der Chat endet und ihr werdet nicht wieder zusammengebracht. Die Meldung zählt gegen ihre Verbindung, nennt dich nie und speichert keine Nachricht, kein Bild und kein Video.',
  reportQuestion: 'Was ist passiert?',
  reasons: {
    sexual: 'Nacktheit oder sexuelle Inhalte',
    harassment: 'Belästigung',
    underage: 'Wirkt jünger als 18',
    spam: 'Spam oder Betrug',
    other: 'Etwas anderes',
  },
  reportAndLeave: 'Melden und gehen',
  cancel: 'Abbrechen',
};

const de: Messages = {
  room,
  nav: {
    label: 'Website',
    connectionTest: 'Verbindungstest',
    privacy: 'Datenschutz',
    language: 'Sprache',
  },
  page: {
    title: 'Mayfly: Sprich mit Fremden',
    description: 'Anonymer Videochat zu zweit mit Fremden, privat.',
    checkingBrowser: 'Dein Browser wird geprüft',
    sessionFailed:
      'Mayfly konnte nicht vollständig geladen werden. Prüfe deine Verbindung und lade die Seite neu.',
    roomFailed:
      'Der Chat konnte nicht geladen werden. Prüfe deine Verbindung und drücke erneut auf Start.',
  },
  error: {
    notFound: 'Diese Seite gibt es nicht.',
    failed: 'Etwas ist schiefgegangen. Lade die Seite neu, um es noch einmal zu versuchen.',
    back: 'Zurück zum Chat',
  },
  start: {
    heading: 'Sprich mit Fremden',
    noticeLead: 'Bevor du startest:',
    notice:
      'Dein Gegenüber kann alles aufnehmen oder abfotografieren, was du zeigst, sagst und schickst. Gib keine persönlichen Daten preis, etwa deinen vollen Namen, deine Adresse, deine Telefonnummer oder wo du studierst oder arbeitest.',
    nickname: 'Spitzname',
    nicknameHint: 'Optional. Nur dein Gegenüber sieht ihn.',
    nicknameError: (max) =>
      `Bis zu ${number(max)} Buchstaben, Ziffern, Leerzeichen, Punkte, Binde- oder Unterstriche; am Anfang ein Buchstabe oder eine Ziffer.`,
    interests: 'Interessen',
    interestsHint:
      'Optional, durch Kommas getrennt, z. B. „Musik, Schach“. Wir versuchen, dich mit jemandem zusammenzubringen, der eines davon teilt.',
    interestsError: (count, length) =>
      `Bis zu ${number(count)} Interessen, durch Kommas getrennt, jedes ein Wort aus höchstens ${number(length)} Buchstaben oder Ziffern.`,
    languages: 'Sprachen, die du sprichst',
    languagesChosen: 'Sprachen, die du sprichst:',
    anyLanguage: 'beliebig',
    languagesHint: (max) =>
      `Bis zu ${number(max)}. Zuerst bringen wir dich mit jemandem zusammen, der eine davon spricht, nach ein paar Sekunden mit allen.`,
    languagesOnly: 'Nur Leute, die meine Sprache sprechen',
    languagesOnlyHint:
      'Nie jemand anderes. Kommt eine Weile niemand, der eine deiner Sprachen spricht, endet die Suche und du erfährst es.',
    hideIp: 'Meine IP-Adresse verbergen',
    hideIpHint:
      'Das Video läuft über unseren Relay-Server, sodass dein Gegenüber deine IP-Adresse nie sieht. Etwas langsamer.',
    testConnection: 'Verbindung testen',
    safeStart: 'Video unscharf zeigen, bis ich es sehen will',
    safeStartHint: `Das Video jeder neuen Person ist zuerst unscharf; drücke „${room.showVideo}“, wenn du bereit bist. Gilt nur in diesem Tab.`,
    adult: 'Ich bin 18 oder älter',
    rules: `Mayfly ist für Erwachsene. Sei respektvoll; verlasse jeden Chat mit ${room.next} oder Esc.`,
    start: 'Start',
  },
  chat: {
    unreadablePicture: 'Diese Datei konnte nicht als Bild gelesen werden.',
    pictureTooLarge: 'Dieses Bild ist zu groß zum Senden, auch verkleinert.',
    strangerPictureRefused:
      'Dein Gegenüber wollte ein zu großes Bild oder eines zu viel senden; es wurde abgelehnt.',
    strangerNotUnderstood:
      'Etwas, das der Browser deines Gegenübers gesendet hat, wurde nicht verstanden und ignoriert.',
    strangerTooFast: 'Dein Gegenüber sendet Nachrichten zu schnell; einige wurden nicht angezeigt.',
    youReported: 'Du hast diese Person gemeldet. Ihr werdet nicht wieder zusammengebracht.',
    youBlocked: 'Du hast diese Person blockiert. Ihr werdet nicht wieder zusammengebracht.',
    strangerLeft: 'Dein Gegenüber ist gegangen.',
    safetyCodeChanged:
      'Der Sicherheitscode hat sich beim Neuaufbau der Verbindung geändert. Vergleiche den neuen mit deinem Gegenüber.',
    microphoneFailed: 'Dieses Mikrofon konnte nicht geöffnet werden.',
    cameraFailed: 'Diese Kamera konnte nicht geöffnet werden.',
    you: 'Du',
    stranger: 'Gegenüber',
  },
  status: {
    idle: 'Drücke Start, um jemanden kennenzulernen.',
    connectingToServer: 'Verbindung zum Server wird hergestellt …',
    offline: 'Der Server ist nicht erreichbar. Neuer Versuch läuft automatisch …',
    checking: 'Dein Browser wird geprüft …',
    checkFailed:
      'Dieser Browser hat die Prüfung des Servers gegen automatisierten Missbrauch nicht bestanden. Lade die Seite neu, um es noch einmal zu versuchen, oder nimm einen anderen Browser.',
    banned: (minutes) =>
      plural(locale, minutes, {
        one: 'Mehrere Leute haben diese Verbindung kürzlich gemeldet. Du kannst in # Minute wieder starten.',
        other:
          'Mehrere Leute haben diese Verbindung kürzlich gemeldet. Du kannst in # Minuten wieder starten.',
      }),
    searchEnded: (languages) =>
      `Eine Weile kam niemand, der ${languages} spricht, deshalb haben wir die Suche beendet. Drücke Start, um weiterzusuchen, oder entferne den Haken bei „Nur Leute, die meine Sprache sprechen“, um alle zu treffen.`,
    invalidNickname:
      'Der Server hat diesen Spitznamen nicht angenommen. Versuche es nur mit Buchstaben und Ziffern.',
    invalidInterests:
      'Der Server hat diese Interessen nicht angenommen. Nimm bis zu 5 kurze Wörter.',
    invalidLanguages: 'Der Server hat diese Sprachen nicht angenommen. Wähle bis zu 3.',
    unreachable: 'Der Server hat nicht geantwortet. Drücke Start, um es noch einmal zu versuchen.',
    refused:
      'Der Server hat den Start eines Chats abgelehnt. Drücke Start, um es noch einmal zu versuchen.',
    requestingMedia: 'Zugriff auf Kamera und Mikrofon wird angefragt …',
    waiting: 'Suche nach jemandem …',
    waitingChecking: 'Suche nach jemandem … Dein Browser wird geprüft …',
    waitingOffline:
      'Suche nach jemandem … Der Server ist gerade nicht erreichbar; neuer Versuch läuft automatisch.',
    strangerFound: 'Jemand gefunden. Verbindung wird hergestellt …',
    reconnecting: 'Die Verbindung zu deinem Gegenüber ist abgebrochen. Neu verbinden …',
    connected: (who, interests, languages) =>
      `Verbunden mit ${who ?? 'einer fremden Person'}.` +
      (interests.length > 0 ? ` Ihr mögt beide ${formatList(locale, interests)}.` : '') +
      (languages !== '' ? ` Ihr sprecht beide ${languages}.` : ''),
    reported: `Du hast diese Person gemeldet; ihr werdet nicht wieder zusammengebracht. Drücke ${room.next}, um jemand Neues kennenzulernen.`,
    blocked: `Du hast diese Person blockiert; ihr werdet nicht wieder zusammengebracht. Drücke ${room.next}, um jemand Neues kennenzulernen.`,
    partnerLeft: `Dein Gegenüber ist gegangen. Drücke ${room.next}, um jemand Neues kennenzulernen.`,
    failedRelayOnly: `Keine Verbindung zu dieser Person möglich. Drücke ${room.next}, um es mit jemand anderem zu versuchen.`,
    failed: `Keine Verbindung zu dieser Person möglich. Ein strenges Netzwerk blockiert vielleicht direkte Verbindungen: Setze den Haken bei ${HIDE_IP} (Relay-Modus) und drücke ${room.next}.`,
  },
  privacy: {
    title: 'Datenschutz · Mayfly',
    heading: 'Datenschutz',
    summary:
      'Kurz gesagt: kein Konto, keine Cookies, nichts in deinem Browser gespeichert, keine Skripte von Dritten. Video, Stimme, Nachrichten und Bilder gehen verschlüsselt direkt zwischen dir und deinem Gegenüber hin und her; unser Server stellt euch nur einander vor. Die Angaben unten stammen direkt aus der Konfiguration des laufenden Servers.',
    serverLanguage: 'Der Server schreibt diese Angaben auf Englisch.',
    loadFailed:
      'Die Datenschutzerklärung des Servers konnte gerade nicht geladen werden. Lade die Seite neu, um es noch einmal zu versuchen.',
    loading: 'Die Datenschutzerklärung des Servers wird geladen …',
    back: 'Zurück zum Chat',
    yes: 'Ja',
    no: 'Nein',
    notStated: 'Nicht angegeben.',
    none: 'Keine.',
    nothingListed: 'Nichts aufgeführt.',
    number,
    dateTime: (date) => formatDateTime(locale, date),
    titles: {
      service: 'Dienst',
      matchingState: 'Während du wartest oder chattest',
      where: 'Gespeichert',
      held: 'Was gespeichert wird',
      inTransit: 'Was zwischen Servern weitergegeben wird',
      retention: 'Wie lange',
      reports: 'Meldungen, Blockierungen und Sperren',
      kept: 'Aufbewahrt',
      ban: 'Vorübergehende Sperren',
      whoCanSee: 'Wer es sehen kann',
      blockMinutes: 'Eine Blockierung dauert (Minuten)',
      banReports: 'Meldungen bis zur Sperre (verschiedene Adressen)',
      reportWindowMinutes: 'Eine Meldung zählt für (Minuten)',
      banMinutes: 'Eine Sperre dauert (Minuten)',
      generatedAt: 'Erklärung erstellt',
      logging: 'Was der Server protokolliert',
      what: 'Protokolliert',
      never: 'Nie protokolliert',
      clientIdentifier: 'Wie du im Protokoll unterschieden wirst',
      retentionDays: 'Aufbewahrt für (Tage)',
      deletion: 'Löschung',
      ipAddresses: 'Deine IP-Adresse',
      server: 'Unser Server',
      stranger: 'Dein Gegenüber',
      hideMyIp: HIDE_IP,
      available: 'Verfügbar',
      defaultOn: 'Standardmäßig an',
      how: 'So funktioniert es',
      cookies: 'Cookies',
      thirdPartyScripts: 'Skripte von Dritten',
      thirdPartyRequests: 'Anfragen an andere Websites',
      browserStorage: 'Speicher in deinem Browser',
      dataFlow: 'Wohin dein Video, deine Nachrichten und Bilder gehen',
      media: 'Video und Ton',
      messages: 'Textnachrichten',
      images: 'Bilder',
      signaling: 'Verbindungsaufbau',
      turn: 'Relay-Server (TURN)',
      mode: 'Modus',
      policy: 'Regeln',
      credentials: 'Zugangsdaten',
      encryption: 'Verschlüsselung',
      moderation: 'Moderation',
      limits: 'Grenzen',
      metrics: 'Messwerte für den Betreiber',
      enabled: 'Eingeschaltet',
    },
  },
  connectivity: {
    title: 'Verbindungstest · Mayfly',
    heading: 'Verbindung testen',
    intro: `Dieser Test prüft, ohne jemanden anzurufen, ob dein Netzwerk Mayfly erlaubt, dich mit anderen zu verbinden: direkt oder über unser Relay, wenn ${HIDE_IP} angehakt ist. Das dauert ein paar Sekunden.`,
    duration,
    startsSoon: 'Der Test beginnt gleich …',
    connectingToServer: 'Verbindung zum Mayfly-Server wird hergestellt …',
    testing: (timeoutMs) =>
      `Deine Verbindung wird getestet … Das dauert bis zu ${duration(timeoutMs)}.`,
    resultsHeading: 'Was dein Browser gefunden hat',
    addressType: 'Adresstyp',
    whatItIs: 'Was das ist',
    found: 'Gefunden',
    count: number,
    candidateLabel: {
      host: 'Lokal (host)',
      srflx: 'Öffentlich (srflx)',
      prflx: 'Peer-reflexiv (prflx)',
      relay: 'Relay (relay)',
    },
    candidateMeaning: {
      host: 'eine Adresse dieses Geräts in seinem lokalen Netzwerk',
      srflx: 'deine öffentliche Adresse, wie unser STUN-Server sie sieht',
      prflx: 'eine Adresse, die beim Testen einer Verbindung ermittelt wurde',
      relay: 'eine Adresse auf unserem TURN-Relay, das den Anruf für dich weiterleiten kann',
    },
    firstRelay: (ms) => `Zeit bis zur ersten Relay-Adresse: ${duration(ms)}.`,
    nothingYet: 'Noch nichts.',
    meaningHeading: 'Was das bedeutet',
    showDetails: 'Details zeigen',
    detailsWarning:
      'Sie enthalten deine eigenen Adressen. Schließe die Details, bevor du einen Screenshot machst oder diese Seite teilst.',
    after: (ms) => `nach ${duration(ms)}`,
    noAddresses: 'Es wurden keine Adressen gesammelt.',
    browserErrors: 'Vom Browser gemeldete Fehler:',
    runAgain: 'Test wiederholen',
    back: 'Zurück zum Chat',
    serverUnreachable:
      'Der Test konnte nicht starten: Der Mayfly-Server hat nicht geantwortet. Prüfe deine Internetverbindung und wiederhole den Test.',
    unsupported:
      'Dieser Browser konnte keine WebRTC-Verbindung aufbauen, daher funktioniert Videochat in ihm nicht. Versuche es mit einem aktuellen Firefox, Chrome, Edge oder Safari.',
    headlineRelayWorks: `Test beendet. TURN funktioniert: ${HIDE_IP} funktioniert in diesem Netzwerk.`,
    headlineRelayUnreachable: `Test beendet. Das Relay ist nicht erreichbar: ${HIDE_IP} funktioniert in diesem Netzwerk nicht.`,
    headlineNoRelay: `Test beendet. Dieser Server hat kein Relay, daher ist ${HIDE_IP} nicht verfügbar.`,
    headlineUnlikely: ' Anrufe kommen aus diesem Netzwerk wahrscheinlich nicht zustande.',
    relayTopic: 'Relay (TURN)',
    relayWorks: (answeredMs) =>
      `TURN funktioniert: Unser Relay hat diesem Browser eine Adresse gegeben.${answeredMs === undefined ? '' : ` Es hat in ${duration(answeredMs)} geantwortet.`} Mit ${HIDE_IP} sieht dein Gegenüber die Adresse des Relays, nicht deine.`,
    relayNotOffered: `Dieser Server bietet kein TURN-Relay an, daher kann ${HIDE_IP} nicht funktionieren, und in strengen Netzwerken kommt vielleicht gar keine Verbindung zustande. Das kann nur der Betreiber der Website ändern.`,
    relayMissing: (refused, timedOutAfterMs) =>
      `Es kam keine Relay-Adresse zurück, daher funktioniert ${HIDE_IP} in diesem Netzwerk nicht. ` +
      (refused
        ? 'Das Relay hat die Zugangsdaten dieser Seite abgelehnt; der Betreiber der Website sollte seine TURN-Einstellungen prüfen.'
        : 'Das TURN-Relay des Servers ist von hier nicht erreichbar: Eine Firewall, ein VPN oder das Netzwerk blockiert vielleicht UDP-Verkehr dorthin.') +
      (timedOutAfterMs === undefined
        ? ''
        : ` Innerhalb von ${duration(timedOutAfterMs)} kam keine Antwort.`),
    stunTopic: 'Öffentliche Adresse (STUN)',
    stunWorks: `Unser STUN-Server hat deine öffentliche Adresse gefunden, daher sollten direkte Verbindungen zu den meisten Leuten klappen. In einem direkten Anruf kann der Browser deines Gegenübers diese Adresse sehen; ${HIDE_IP} verhindert das.`,
    stunNotOffered:
      'Dieser Server bietet keinen STUN-Server an, daher wurde deine öffentliche Adresse nicht ermittelt. Direkte Anrufe können trotzdem über das Relay oder in offenen Netzwerken funktionieren.',
    stunMissing: (relayWorks) =>
      'Es kam keine öffentliche Adresse zurück. Entweder steht dieses Gerät nicht hinter einem Router, der Adressen übersetzt (dann ist seine lokale Adresse seine öffentliche), oder das Netzwerk blockiert STUN. Wenn Anrufe nicht zustande kommen, ' +
      (relayWorks
        ? `setze den Haken bei ${HIDE_IP}: Das Relay funktioniert hier.`
        : 'versuche es in einem anderen Netzwerk: Das Relay ist auch nicht erreichbar.'),
    hostTopic: 'Lokale Adressen (host)',
    hostNone:
      'Dein Browser hat keine lokalen Adressen angeboten. Das ist normal, wenn eine Browsereinstellung, eine Erweiterung oder ein VPN sie verbirgt, oder auf einem Rechner, dessen einziges Netzwerk sein eigenes Loopback ist.',
    hostHidden: (count) =>
      plural(locale, count, {
        one: 'Dein Browser hat eine lokale Adresse angeboten, verborgen hinter einem zufälligen „.local“-Namen, sodass die echte lokale IP privat bleibt.',
        other:
          'Dein Browser hat # lokale Adressen angeboten, jede verborgen hinter einem zufälligen „.local“-Namen, sodass die echte lokale IP privat bleibt.',
      }),
    hostReal: (count, allReal) =>
      plural(locale, count, {
        one: `Dein Browser hat eine lokale Adresse angeboten, als echte IP-Adresse dieses Geräts. Ein Gegenüber in einem direkten Anruf kann sie sehen; ${HIDE_IP} hält sie aus dem Anruf heraus.`,
        other: `Dein Browser hat # lokale Adressen angeboten, ${allReal ? 'als echte IP-Adressen' : 'einige davon als echte IP-Adressen'} dieses Geräts. Ein Gegenüber in einem direkten Anruf kann sie sehen; ${HIDE_IP} hält sie aus dem Anruf heraus.`,
      }),
  },
};

export default de;
