/* eslint no-irregular-whitespace: ['error', { skipStrings: true, skipTemplates: true }] -- French
   typography: no-break spaces before « : », « ; » and inside guillemets. */
import {
  formatDateTime,
  formatDuration,
  formatList,
  formatNumber,
  formatSeconds,
  plural,
} from '../format.ts';
import type { Messages } from './en.ts';

const locale = 'fr';
const number = (value: number): string => formatNumber(locale, value);
const duration = (ms: number): string => formatDuration(locale, ms);
const HIDE_IP = '« Masquer mon adresse IP »';

const room = {
  next: 'Suivant',
  showVideo: 'Afficher la vidéo',
  heading: 'Discussion avec un inconnu',
  video: 'Vidéo',
  strangerVideo: 'Vidéo de votre interlocuteur',
  yourVideo: 'Votre vidéo',
  blurred: 'Vidéo floutée jusqu’à ce que vous choisissiez de la voir.',
  reconnecting: (seconds: number) => `Reconnexion… ${formatSeconds(locale, seconds)}`,
  notSendingVideo: 'Votre interlocuteur n’envoie pas de vidéo.',
  moveTile: 'Déplacer votre vidéo dans un autre coin',
  textOnly: {
    'permission-denied':
      'La caméra et le micro sont bloqués pour ce site : cette discussion est donc en texte seul. Pour les autoriser, cliquez sur l’icône à gauche de la barre d’adresse (un cadenas ou une caméra), réglez Caméra et Micro sur « Autoriser », puis appuyez sur Arrêter et à nouveau sur Commencer.',
    'no-devices':
      'Aucune caméra ni aucun micro n’a été trouvé : cette discussion est donc en texte seul. Branchez-en un, puis appuyez sur Arrêter et à nouveau sur Commencer.',
    'device-busy':
      'Votre caméra ou votre micro est utilisé par une autre application : cette discussion est donc en texte seul. Fermez cette application, puis appuyez sur Arrêter et à nouveau sur Commencer.',
    unsupported:
      'Ce navigateur n’autorise pas l’accès à la caméra sur cette page : cette discussion est donc en texte seul.',
  },
  textChat: 'Discussion écrite',
  messages: 'Messages de la discussion',
  pictureNotSent: 'L’image n’a pas pu être envoyée.',
  pictureRefused: 'L’image a été refusée.',
  imageFromStranger: 'Image de votre interlocuteur',
  imageYouSent: 'Image que vous avez envoyée',
  sendingImage: 'Envoi de l’image',
  receivingImage: 'Réception de l’image',
  typing: 'Votre interlocuteur écrit…',
  personalDataKinds: {
    phone: 'un numéro de téléphone',
    email: 'une adresse e-mail',
    address: 'une adresse postale',
  },
  personalData: (kinds: readonly string[]) =>
    `Cela ressemble à ${formatList(locale, kinds)}. Votre interlocuteur pourrait le garder pour toujours. Appuyez à nouveau sur Envoyer pour l’envoyer quand même, ou modifiez votre message.`,
  message: 'Message',
  typeMessage: 'Écrivez un message',
  chatClosed: 'La discussion s’ouvre une fois connecté',
  send: 'Envoyer',
  sendImage: 'Envoyer une image',
  privacyNote:
    'Les messages et les images vont directement au navigateur de votre interlocuteur, sans passer par notre serveur. Les images sont d’abord redessinées : la position et les détails de l’appareil photo sont supprimés.',
  call: 'Appel',
  stop: 'Arrêter',
  muteMicrophone: 'Couper le micro',
  cameraOff: 'Couper la caméra',
  switchCamera: 'Changer de caméra',
  sheet: 'Sécurité et réglages',
  soundCues: 'Signaux sonores',
  shortcuts: 'Raccourcis :',
  escapeKey: 'Échap',
  enterKey: 'Entrée',
  arrowsBefore: 'les flèches sur le bouton',
  arrowsAfter: 'déplacent votre vidéo.',
  close: 'Fermer',
  report: 'Signaler',
  block: 'Bloquer',
  blurVideo: 'Flouter la vidéo',
  safetyCode: 'Code de sécurité',
  safetyCodeHint:
    'Votre interlocuteur devrait voir le même code. Si le sien est différent, quelqu’un écoute peut-être : appuyez sur Suivant.',
  route: 'Chemin de la connexion',
  relayed: 'Par le relais',
  direct: 'Directe',
  routeDirect: 'Le navigateur de votre interlocuteur peut voir votre adresse IP.',
  routeRelayed: 'Votre interlocuteur voit l’adresse de notre relais, pas la vôtre.',
  routeRelayedShared: `L’audio et la vidéo passent par notre relais, mais votre navigateur a communiqué ses adresses à celui de votre interlocuteur pendant la connexion. ${HIDE_IP} l’évite.`,
  appliesNext: 'S’applique à partir de la prochaine personne.',
  camera: 'Caméra',
  microphone: 'Micro',
  reportTitle: 'Signaler cette personne',
  reportHint:
    'La discussion se termine et vous ne serez plus mis en relation. Le signalement compte contre sa connexion, ne vous nomme jamais et ne garde aucun message, aucune image ni vidéo.',
  reportQuestion: 'Que s’est-il passé ?',
  reasons: {
    sexual: 'Nudité ou contenu sexuel',
    harassment: 'Harcèlement',
    underage: 'Semble avoir moins de 18 ans',
    spam: 'Spam ou arnaque',
    other: 'Autre chose',
  },
  reportAndLeave: 'Signaler et partir',
  cancel: 'Annuler',
};

const fr: Messages = {
  room,
  nav: {
    label: 'Site',
    connectionTest: 'Test de connexion',
    privacy: 'Confidentialité',
    language: 'Langue',
  },
  page: {
    title: 'Mayfly : parlez à un inconnu',
    description: 'Chat vidéo anonyme en tête-à-tête avec des inconnus, en toute confidentialité.',
    checkingBrowser: 'Vérification de votre navigateur',
    sessionFailed:
      'Mayfly n’a pas pu être chargé entièrement. Vérifiez votre connexion et rechargez la page.',
    roomFailed:
      'Le chat n’a pas pu être chargé. Vérifiez votre connexion et appuyez de nouveau sur Commencer.',
  },
  error: {
    notFound: 'Cette page n’existe pas.',
    failed: 'Un problème est survenu. Rechargez la page pour réessayer.',
    back: 'Retour au chat',
  },
  start: {
    heading: 'Parlez à un inconnu',
    noticeLead: 'Avant de commencer :',
    notice:
      'votre interlocuteur peut enregistrer ou capturer tout ce que vous montrez, dites et envoyez. Ne donnez pas d’informations personnelles comme votre nom complet, votre adresse, votre numéro de téléphone ou le lieu où vous étudiez ou travaillez.',
    nickname: 'Pseudo',
    nicknameHint: 'Facultatif. Visible uniquement par votre interlocuteur.',
    nicknameError: (max) =>
      `Jusqu’à ${number(max)} lettres, chiffres, espaces, points, tirets ou tirets bas, en commençant par une lettre ou un chiffre.`,
    interests: 'Centres d’intérêt',
    interestsHint:
      'Facultatif, séparés par des virgules, par ex. « musique, échecs ». Nous essayons de vous mettre en relation avec quelqu’un qui en partage un.',
    interestsError: (count, length) =>
      `Jusqu’à ${number(count)} centres d’intérêt séparés par des virgules, chacun un mot de ${number(length)} lettres ou chiffres au plus.`,
    languages: 'Langues que vous parlez',
    languagesChosen: 'Langues que vous parlez :',
    anyLanguage: 'toutes',
    languagesHint: (max) =>
      `Jusqu’à ${number(max)}. Nous cherchons d’abord quelqu’un qui parle l’une d’elles, puis n’importe qui au bout de quelques secondes.`,
    languagesOnly: 'Uniquement des personnes qui parlent ma langue',
    languagesOnlyHint:
      'Jamais personne d’autre. Si personne ne parlant l’une de vos langues n’arrive pendant un moment, la recherche s’arrête et vous prévient.',
    hideIp: 'Masquer mon adresse IP',
    hideIpHint:
      'La vidéo passe par notre serveur relais : votre interlocuteur ne voit jamais votre adresse IP. Un peu plus lent.',
    testConnection: 'Tester votre connexion',
    safeStart: 'Flouter la vidéo jusqu’à ce que je choisisse de la voir',
    safeStartHint: `La vidéo de chaque inconnu commence floutée ; appuyez sur « ${room.showVideo} » quand vous êtes prêt. Mémorisé dans cet onglet uniquement.`,
    adult: 'J’ai 18 ans ou plus',
    rules: `Mayfly est réservé aux adultes. Restez respectueux ; quittez un chat à tout moment avec ${room.next} ou Échap.`,
    start: 'Commencer',
  },
  chat: {
    unreadablePicture: 'Ce fichier n’a pas pu être lu comme une image.',
    pictureTooLarge: 'Cette image est trop grande pour être envoyée, même réduite.',
    strangerPictureRefused:
      'Votre interlocuteur a essayé d’envoyer une image trop grande ou une de trop ; elle a été refusée.',
    strangerNotUnderstood:
      'Quelque chose envoyé par le navigateur de votre interlocuteur n’a pas été compris et a été ignoré.',
    strangerTooFast:
      'Votre interlocuteur envoie des messages trop vite ; certains n’ont pas été affichés.',
    youReported: 'Vous avez signalé cette personne. Vous ne serez plus mis en relation.',
    youBlocked: 'Vous avez bloqué cette personne. Vous ne serez plus mis en relation.',
    strangerLeft: 'Votre interlocuteur est parti.',
    safetyCodeChanged:
      'Le code de sécurité a changé lors de la reconstruction de la connexion. Comparez le nouveau avec votre interlocuteur.',
    microphoneFailed: 'Ce micro n’a pas pu être ouvert.',
    cameraFailed: 'Cette caméra n’a pas pu être ouverte.',
    you: 'Vous',
    stranger: 'Inconnu',
  },
  status: {
    idle: 'Appuyez sur Commencer pour rencontrer quelqu’un.',
    connectingToServer: 'Connexion au serveur…',
    offline: 'Impossible de joindre le serveur. Nouvelle tentative automatique…',
    checking: 'Vérification de votre navigateur…',
    checkFailed:
      'Ce navigateur n’a pas passé la vérification du serveur contre les abus automatisés. Rechargez la page pour réessayer, ou essayez un autre navigateur.',
    banned: (minutes) =>
      plural(locale, minutes, {
        one: 'Plusieurs personnes ont signalé cette connexion récemment. Vous pourrez recommencer dans # minute.',
        other:
          'Plusieurs personnes ont signalé cette connexion récemment. Vous pourrez recommencer dans # minutes.',
      }),
    searchEnded: (languages) =>
      `Personne parlant ${languages} n’est venu depuis un moment, nous avons donc arrêté de chercher. Appuyez sur Commencer pour chercher de nouveau, ou décochez « Uniquement des personnes qui parlent ma langue » pour rencontrer n’importe qui.`,
    invalidNickname:
      'Le serveur n’a pas accepté ce pseudo. Essayez uniquement des lettres et des chiffres.',
    invalidInterests:
      'Le serveur n’a pas accepté ces centres d’intérêt. Utilisez jusqu’à 5 mots courts.',
    invalidLanguages: 'Le serveur n’a pas accepté ces langues. Choisissez-en 3 au plus.',
    unreachable: 'Le serveur n’a pas répondu. Appuyez sur Commencer pour réessayer.',
    refused: 'Le serveur a refusé de lancer un chat. Appuyez sur Commencer pour réessayer.',
    requestingMedia: 'Demande d’accès à votre caméra et à votre micro…',
    waiting: 'Recherche d’un inconnu…',
    waitingChecking: 'Recherche d’un inconnu… Vérification de votre navigateur…',
    waitingOffline:
      'Recherche d’un inconnu… Le serveur est injoignable pour le moment ; nouvelle tentative automatique.',
    strangerFound: 'Quelqu’un a été trouvé. Connexion…',
    reconnecting: 'La connexion avec votre interlocuteur a été coupée. Reconnexion…',
    connected: (who, interests, languages) =>
      `Connecté à ${who ?? 'un inconnu'}.` +
      (interests.length > 0
        ? ` Vous aimez tous les deux : ${formatList(locale, interests)}.`
        : '') +
      (languages !== '' ? ` Vous parlez tous les deux ${languages}.` : ''),
    reported: `Vous avez signalé cette personne ; vous ne serez plus mis en relation. Appuyez sur ${room.next} pour rencontrer quelqu’un d’autre.`,
    blocked: `Vous avez bloqué cette personne ; vous ne serez plus mis en relation. Appuyez sur ${room.next} pour rencontrer quelqu’un d’autre.`,
    partnerLeft: `Votre interlocuteur est parti. Appuyez sur ${room.next} pour rencontrer quelqu’un d’autre.`,
    failedRelayOnly: `Impossible de se connecter à cette personne. Appuyez sur ${room.next} pour essayer quelqu’un d’autre.`,
    failed: `Impossible de se connecter à cette personne. Un réseau strict peut bloquer les connexions directes : cochez ${HIDE_IP} (mode relais) et appuyez sur ${room.next}.`,
  },
  privacy: {
    title: 'Confidentialité · Mayfly',
    heading: 'Confidentialité',
    summary:
      'En bref : pas de compte, pas de cookies, rien d’enregistré dans votre navigateur, aucun script tiers. La vidéo, la voix, les messages et les images passent directement entre vous et votre interlocuteur, chiffrés ; notre serveur ne fait que vous présenter. Les détails ci-dessous proviennent directement de la configuration du serveur en fonctionnement.',
    serverLanguage: 'Le serveur rédige ces détails en anglais.',
    loadFailed:
      'La déclaration de confidentialité du serveur n’a pas pu être chargée. Rechargez la page pour réessayer.',
    loading: 'Chargement de la déclaration de confidentialité du serveur…',
    back: 'Retour au chat',
    yes: 'Oui',
    no: 'Non',
    notStated: 'Non précisé.',
    none: 'Aucun.',
    nothingListed: 'Rien dans la liste.',
    number,
    dateTime: (date) => formatDateTime(locale, date),
    titles: {
      service: 'Service',
      matchingState: 'Pendant que vous attendez ou discutez',
      where: 'Conservé',
      held: 'Ce qui est conservé',
      inTransit: 'Ce qui passe entre les serveurs',
      retention: 'Pendant combien de temps',
      reports: 'Signalements, blocages et exclusions',
      kept: 'Conservé',
      ban: 'Exclusions temporaires',
      whoCanSee: 'Qui peut le voir',
      blockMinutes: 'Durée d’un blocage (minutes)',
      banReports: 'Signalements entraînant une exclusion (adresses différentes)',
      reportWindowMinutes: 'Durée de prise en compte d’un signalement (minutes)',
      banMinutes: 'Durée d’une exclusion (minutes)',
      generatedAt: 'Déclaration générée le',
      logging: 'Ce que le serveur journalise',
      what: 'Journalisé',
      never: 'Jamais journalisé',
      clientIdentifier: 'Comment on vous distingue dans le journal',
      retentionDays: 'Conservé pendant (jours)',
      deletion: 'Suppression',
      ipAddresses: 'Votre adresse IP',
      server: 'Notre serveur',
      stranger: 'Votre interlocuteur',
      hideMyIp: HIDE_IP,
      available: 'Disponible',
      defaultOn: 'Activé par défaut',
      how: 'Fonctionnement',
      cookies: 'Cookies',
      thirdPartyScripts: 'Scripts tiers',
      thirdPartyRequests: 'Requêtes vers d’autres sites',
      browserStorage: 'Stockage dans votre navigateur',
      dataFlow: 'Où vont votre vidéo, vos messages et vos images',
      media: 'Vidéo et audio',
      messages: 'Messages texte',
      images: 'Images',
      signaling: 'Établissement de la connexion',
      turn: 'Serveur relais (TURN)',
      mode: 'Mode',
      policy: 'Règles',
      credentials: 'Identifiants',
      encryption: 'Chiffrement',
      moderation: 'Modération',
      limits: 'Limites',
      metrics: 'Statistiques pour l’exploitant',
      enabled: 'Activées',
    },
  },
  connectivity: {
    title: 'Test de connexion · Mayfly',
    heading: 'Tester votre connexion',
    intro: `Ce test vérifie, sans appeler personne, si votre réseau permet à Mayfly de vous mettre en relation : directement, ou via notre relais quand ${HIDE_IP} est coché. Il dure quelques secondes.`,
    duration,
    startsSoon: 'Le test va commencer…',
    connectingToServer: 'Connexion au serveur Mayfly…',
    testing: (timeoutMs) => `Test de votre connexion… Cela prend jusqu’à ${duration(timeoutMs)}.`,
    resultsHeading: 'Ce que votre navigateur a trouvé',
    addressType: 'Type d’adresse',
    whatItIs: 'Description',
    found: 'Trouvées',
    count: number,
    candidateLabel: {
      host: 'Locale (host)',
      srflx: 'Publique (srflx)',
      prflx: 'Réflexive du pair (prflx)',
      relay: 'Relais (relay)',
    },
    candidateMeaning: {
      host: 'une adresse de cet appareil sur son réseau local',
      srflx: 'votre adresse publique, telle que la voit notre serveur STUN',
      prflx: 'une adresse découverte pendant le test d’une connexion',
      relay: 'une adresse sur notre relais TURN, qui peut transmettre l’appel pour vous',
    },
    firstRelay: (ms) => `Délai avant la première adresse relais : ${duration(ms)}.`,
    nothingYet: 'Rien pour l’instant.',
    meaningHeading: 'Ce que cela signifie',
    showDetails: 'Afficher les détails',
    detailsWarning:
      'Ils contiennent vos propres adresses. Fermez les détails avant de faire une capture d’écran ou de partager cette page.',
    after: (ms) => `après ${duration(ms)}`,
    noAddresses: 'Aucune adresse n’a été recueillie.',
    browserErrors: 'Erreurs signalées par le navigateur :',
    runAgain: 'Relancer le test',
    back: 'Retour au chat',
    serverUnreachable:
      'Le test n’a pas pu démarrer : le serveur Mayfly n’a pas répondu. Vérifiez votre connexion Internet et relancez le test.',
    unsupported:
      'Ce navigateur n’a pas pu établir de connexion WebRTC : le chat vidéo n’y fonctionnera pas. Essayez une version récente de Firefox, Chrome, Edge ou Safari.',
    headlineRelayWorks: `Test terminé. TURN fonctionne : ${HIDE_IP} fonctionnera sur ce réseau.`,
    headlineRelayUnreachable: `Test terminé. Le relais est injoignable : ${HIDE_IP} ne fonctionnera pas sur ce réseau.`,
    headlineNoRelay: `Test terminé. Ce serveur n’a pas de relais : ${HIDE_IP} n’est pas disponible.`,
    headlineUnlikely: ' Les appels ont peu de chances d’aboutir depuis ce réseau.',
    relayTopic: 'Relais (TURN)',
    relayWorks: (answeredMs) =>
      `TURN fonctionne : notre relais a fourni une adresse à ce navigateur.${answeredMs === undefined ? '' : ` Il a répondu en ${duration(answeredMs)}.`} Avec ${HIDE_IP} coché, votre interlocuteur voit l’adresse du relais, pas la vôtre.`,
    relayNotOffered: `Ce serveur ne propose pas de relais TURN : ${HIDE_IP} ne peut pas fonctionner et les réseaux stricts risquent de ne pas se connecter du tout. Seul l’exploitant du site peut y remédier.`,
    relayMissing: (refused, timedOutAfterMs) =>
      `Aucune adresse relais n’a été reçue : ${HIDE_IP} ne fonctionnera pas sur ce réseau. ` +
      (refused
        ? 'Le relais a refusé les identifiants fournis à cette page ; l’exploitant du site devrait vérifier ses réglages TURN.'
        : 'Le relais TURN du serveur est injoignable d’ici : un pare-feu, un VPN ou le réseau bloque peut-être le trafic UDP vers lui.') +
      (timedOutAfterMs === undefined ? '' : ` Aucune réponse en ${duration(timedOutAfterMs)}.`),
    stunTopic: 'Adresse publique (STUN)',
    stunWorks: `Notre serveur STUN a trouvé votre adresse publique : les connexions directes avec la plupart des gens devraient fonctionner. Lors d’un appel direct, le navigateur de votre interlocuteur peut voir cette adresse ; ${HIDE_IP} l’évite.`,
    stunNotOffered:
      'Ce serveur ne propose pas de serveur STUN : votre adresse publique n’a pas été recherchée. Les appels directs peuvent quand même fonctionner via le relais ou sur des réseaux ouverts.',
    stunMissing: (relayWorks) =>
      'Aucune adresse publique n’a été reçue. Soit cet appareil n’est pas derrière un routeur qui traduit les adresses (son adresse locale est alors son adresse publique), soit le réseau bloque STUN. Si les appels n’aboutissent pas, ' +
      (relayWorks
        ? `cochez ${HIDE_IP} : le relais fonctionne ici.`
        : 'essayez un autre réseau : le relais est injoignable lui aussi.'),
    hostTopic: 'Adresses locales (host)',
    hostNone:
      'Votre navigateur n’a proposé aucune adresse locale. C’est normal lorsqu’un réglage du navigateur, une extension ou un VPN les masque, ou sur une machine dont le seul réseau est sa propre boucle locale.',
    hostHidden: (count) =>
      plural(locale, count, {
        one: 'Votre navigateur a proposé une adresse locale, masquée derrière un nom « .local » aléatoire : la véritable IP locale reste privée.',
        other:
          'Votre navigateur a proposé # adresses locales, chacune masquée derrière un nom « .local » aléatoire : la véritable IP locale reste privée.',
      }),
    hostReal: (count, allReal) =>
      plural(locale, count, {
        one: `Votre navigateur a proposé une adresse locale, sous forme d’adresse IP réelle de cet appareil. Lors d’un appel direct, votre interlocuteur peut la voir ; ${HIDE_IP} la tient à l’écart de l’appel.`,
        other: `Votre navigateur a proposé # adresses locales, ${allReal ? 'sous forme d’adresses IP réelles' : 'dont certaines sous forme d’adresses IP réelles'} de cet appareil. Lors d’un appel direct, votre interlocuteur peut les voir ; ${HIDE_IP} les tient à l’écart de l’appel.`,
      }),
  },
};

export default fr;
