/**
 * English, the source catalogue: `Messages` is this object's type, so a locale that misses a key,
 * or gives one the wrong parameters, fails the type check (and the build's `svelte-check`).
 * The end-to-end suite finds controls by these English names (docs/web-client.md, QA contract):
 * change them only together with the tests.
 */
import { formatDateTime, formatNumber, plural } from '../format.ts';

const locale = 'en';
const number = (value: number): string => formatNumber(locale, value);
/** `850 ms`, `1.2 s`. */
const duration = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1).replace(/\.0$/u, '')} s`;
const HIDE_IP = '“Hide my IP address”';

/** The chat room (its controls' names are also referred to by the start form and the status). */
const room = {
  next: 'Next',
  showVideo: 'Show video',
  heading: 'Chat with a stranger',
  video: 'Video',
  strangerVideo: "Stranger's video",
  yourVideo: 'Your video',
  blurred: 'Video blurred until you choose to see it.',
  /** The picture's caption while the line is broken: "Reconnecting… 18 s". */
  reconnecting: (seconds: number) => `Reconnecting… ${number(seconds)} s`,
  notSendingVideo: 'The stranger is not sending video.',
  moveTile: 'Move your video to another corner',
  textOnly: {
    'permission-denied':
      'Camera and microphone are blocked for this site, so this is a text-only chat. To allow them, click the icon at the left of the address bar (a lock or a camera), set Camera and Microphone to “Allow”, then press Stop and Start again.',
    'no-devices':
      'No camera or microphone was found, so this is a text-only chat. Connect one, then press Stop and Start again.',
    'device-busy':
      'Your camera or microphone is being used by another app, so this is a text-only chat. Close that app, then press Stop and Start again.',
    unsupported:
      'This browser does not allow camera access on this page, so this is a text-only chat.',
  },
  textChat: 'Text chat',
  messages: 'Chat messages',
  pictureNotSent: 'The picture could not be sent.',
  pictureRefused: 'The picture was refused.',
  imageFromStranger: 'Image from stranger',
  imageYouSent: 'Image you sent',
  sendingImage: 'Sending image',
  receivingImage: 'Receiving image',
  typing: 'Stranger is typing…',
  personalDataKinds: {
    phone: 'a phone number',
    email: 'an e-mail address',
    address: 'a street address',
  },
  /** `kinds`: names from `personalDataKinds`, e.g. "a phone number and an e-mail address". */
  personalData: (kinds: readonly string[]) =>
    `This looks like ${kinds.length <= 1 ? (kinds[0] ?? '') : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1) ?? ''}`}. The stranger could keep it forever. Press Send again to send it anyway, or edit your message.`,
  message: 'Message',
  typeMessage: 'Type a message',
  chatClosed: 'Chat opens when you’re connected',
  send: 'Send',
  sendImage: 'Send image',
  privacyNote:
    'Messages and pictures go straight to the stranger’s browser, not through our server. Pictures are redrawn first, so location and camera details are removed.',
  call: 'Call',
  stop: 'Stop',
  muteMicrophone: 'Mute microphone',
  cameraOff: 'Camera off',
  switchCamera: 'Switch camera',
  sheet: 'Safety and settings',
  soundCues: 'Sound cues',
  /** "Shortcuts: [Esc] Next · [Enter] Send · arrow keys on the ✥ button move your video." */
  shortcuts: 'Shortcuts:',
  escapeKey: 'Esc',
  enterKey: 'Enter',
  arrowsBefore: 'arrow keys on the',
  arrowsAfter: 'button move your video.',
  close: 'Close',
  report: 'Report',
  block: 'Block',
  blurVideo: 'Blur video',
  safetyCode: 'Safety code',
  safetyCodeHint:
    'The stranger should see the same code. If theirs differs, someone may be listening in: press Next.',
  route: 'Connection route',
  relayed: 'Relayed',
  direct: 'Direct',
  /** The line under the route badge: can the stranger see my address? (route-meaning.ts) */
  routeDirect: 'The stranger’s browser can see your IP address.',
  routeRelayed: 'The stranger sees our relay’s address, not yours.',
  routeRelayedShared: `Media goes through our relay, but your browser shared its addresses with the stranger’s while connecting. ${HIDE_IP} prevents that.`,
  appliesNext: 'Applies from the next stranger.',
  camera: 'Camera',
  microphone: 'Microphone',
  reportTitle: 'Report this stranger',
  reportHint:
    'The chat ends and you will not be matched with them again. The report counts against their connection, never names you, and keeps no message, picture or video.',
  reportQuestion: 'What happened?',
  reasons: {
    sexual: 'Nudity or sexual content',
    harassment: 'Harassment',
    underage: 'Looks under 18',
    spam: 'Spam or scam',
    other: 'Something else',
  },
  reportAndLeave: 'Report and leave',
  cancel: 'Cancel',
};

const en = {
  room,
  nav: {
    label: 'Site',
    connectionTest: 'Connection test',
    privacy: 'Privacy',
    language: 'Language',
  },
  page: {
    title: 'Mayfly: talk to a stranger',
    description: 'Anonymous one-to-one video chat with strangers, privately.',
    checkingBrowser: 'Checking your browser',
    sessionFailed:
      'Mayfly could not be loaded completely. Check your connection and reload the page.',
    roomFailed: 'The chat could not be loaded. Check your connection and press Start again.',
  },
  error: {
    notFound: 'This page does not exist.',
    failed: 'Something went wrong. Reload the page to try again.',
    back: 'Back to the chat',
  },
  start: {
    heading: 'Talk to a stranger',
    noticeLead: 'Before you start:',
    notice:
      'the stranger can record or screenshot everything you show, say and send. Don’t share personal details such as your full name, address, phone number or where you study or work.',
    nickname: 'Nickname',
    nicknameHint: 'Optional. Shown to the stranger only.',
    nicknameError: (max: number) =>
      `Up to ${number(max)} letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.`,
    interests: 'Interests',
    interestsHint:
      'Optional, separated by commas, e.g. “music, chess”. We try to pair you with someone who shares one.',
    interestsError: (count: number, length: number) =>
      `Up to ${number(count)} interests separated by commas, each a word of up to ${number(length)} letters or digits.`,
    languages: 'Languages you speak',
    languagesChosen: 'Languages you speak:',
    anyLanguage: 'any',
    languagesHint: (max: number) =>
      `Up to ${number(max)}. We pair you first with someone who speaks one of them, then with anyone after a few seconds.`,
    languagesOnly: 'Only people who speak my language',
    languagesOnlyHint:
      'Never anyone else. If nobody who speaks one of your languages comes for a while, the search stops and tells you.',
    hideIp: 'Hide my IP address',
    hideIpHint:
      'Sends video through our relay server, so the stranger never sees your IP address. Slightly slower.',
    testConnection: 'Test your connection',
    safeStart: 'Blur video until I choose to see it',
    safeStartHint: `Each stranger’s video starts blurred; press “${room.showVideo}” when you are ready. Remembered in this tab only.`,
    adult: 'I am 18 or older',
    rules: `Mayfly is for adults. Be respectful; leave any chat with ${room.next} or Escape.`,
    start: 'Start',
  },
  /** Lines the chat log shows (the room's own controls: issue #25). */
  chat: {
    unreadablePicture: 'That file could not be read as a picture.',
    pictureTooLarge: 'That picture is too large to send, even after shrinking it.',
    strangerPictureRefused:
      'The stranger tried to send a picture that is too large or one too many; it was refused.',
    strangerNotUnderstood:
      'Something the stranger’s browser sent was not understood and was ignored.',
    strangerTooFast: 'The stranger is sending messages too fast; some were not shown.',
    youReported: 'You reported the stranger. You will not be matched with them again.',
    youBlocked: 'You blocked the stranger. You will not be matched with them again.',
    strangerLeft: 'Stranger left.',
    safetyCodeChanged:
      'The safety code changed when the connection was rebuilt. Compare the new one with the stranger.',
    microphoneFailed: 'That microphone could not be opened.',
    cameraFailed: 'That camera could not be opened.',
    /** The names on the log's lines when no nickname was given. */
    you: 'You',
    stranger: 'Stranger',
  },
  status: {
    idle: 'Press Start to meet a stranger.',
    connectingToServer: 'Connecting to the server…',
    offline: 'Can’t reach the server. Retrying by itself…',
    checking: 'Checking your browser…',
    checkFailed:
      'This browser could not pass the server’s check against automated abuse. Reload the page to try again, or try another browser.',
    banned: (minutes: number) =>
      plural(locale, minutes, {
        one: 'Several people reported this connection recently. You can start again in # minute.',
        other:
          'Several people reported this connection recently. You can start again in # minutes.',
      }),
    searchEnded: (languages: string) =>
      `Nobody who speaks ${languages} came for a while, so we stopped looking. Press Start to look again, or untick “Only people who speak my language” to meet anyone.`,
    invalidNickname: 'The server did not accept that nickname. Try letters and digits only.',
    invalidInterests: 'The server did not accept those interests. Use up to 5 short words.',
    invalidLanguages: 'The server did not accept those languages. Choose up to 3.',
    unreachable: 'The server did not answer. Press Start to try again.',
    refused: 'The server refused to start a chat. Press Start to try again.',
    requestingMedia: 'Asking for your camera and microphone…',
    waiting: 'Looking for a stranger…',
    waitingChecking: 'Looking for a stranger… Checking your browser…',
    waitingOffline:
      'Looking for a stranger… The server can’t be reached right now; retrying by itself.',
    strangerFound: 'Stranger found. Connecting…',
    reconnecting: 'The connection to the stranger broke. Reconnecting…',
    connected: (who: string | undefined, interests: readonly string[], languages: string) =>
      `Connected to ${who ?? 'a stranger'}.` +
      (interests.length > 0 ? ` You both like ${interests.join(', ')}.` : '') +
      (languages !== '' ? ` You both speak ${languages}.` : ''),
    reported:
      'You reported the stranger; you will not be matched with them again. Press Next to meet someone new.',
    blocked:
      'You blocked the stranger; you will not be matched with them again. Press Next to meet someone new.',
    partnerLeft: 'Stranger left. Press Next to meet someone new.',
    failedRelayOnly: 'Could not connect to the stranger. Press Next to try someone else.',
    failed:
      'Could not connect to the stranger. A strict network may block direct connections: tick “Hide my IP address” (relay mode) and press Next.',
  },
  privacy: {
    title: 'Privacy · Mayfly',
    heading: 'Privacy',
    summary:
      'In short: no account, no cookies, nothing stored in your browser, no third-party scripts. Video, voice, messages and pictures go directly between you and the stranger, encrypted; our server only introduces you. The details below come straight from the running server’s configuration.',
    serverLanguage: 'The server writes these details in English.',
    loadFailed:
      'The server’s privacy statement could not be loaded right now. Reload the page to try again.',
    loading: 'Loading the server’s privacy statement…',
    back: 'Back to the chat',
    yes: 'Yes',
    no: 'No',
    notStated: 'Not stated.',
    none: 'None.',
    nothingListed: 'Nothing listed.',
    number,
    dateTime: (date: Date) => formatDateTime(locale, date),
    titles: {
      service: 'Service',
      matchingState: 'While you wait or chat',
      where: 'Held',
      held: 'What is held',
      inTransit: 'Passing between servers',
      retention: 'For how long',
      reports: 'Reports, blocks and bans',
      kept: 'Kept',
      ban: 'Temporary bans',
      whoCanSee: 'Who can see it',
      blockMinutes: 'A block lasts (minutes)',
      banReports: 'Reports that ban (different addresses)',
      reportWindowMinutes: 'A report counts for (minutes)',
      banMinutes: 'A ban lasts (minutes)',
      generatedAt: 'Statement generated',
      logging: 'What the server logs',
      what: 'Logged',
      never: 'Never logged',
      clientIdentifier: 'How you are told apart in the log',
      retentionDays: 'Kept for (days)',
      deletion: 'Deletion',
      ipAddresses: 'Your IP address',
      server: 'Our server',
      stranger: 'The stranger',
      hideMyIp: HIDE_IP,
      available: 'Available',
      defaultOn: 'On by default',
      how: 'How it works',
      cookies: 'Cookies',
      thirdPartyScripts: 'Third-party scripts',
      thirdPartyRequests: 'Requests to other sites',
      browserStorage: 'Storage in your browser',
      dataFlow: 'Where your video, messages and pictures go',
      media: 'Video and audio',
      messages: 'Text messages',
      images: 'Pictures',
      signaling: 'Connection set-up',
      turn: 'Relay server (TURN)',
      mode: 'Mode',
      policy: 'Policy',
      credentials: 'Credentials',
      encryption: 'Encryption',
      moderation: 'Moderation',
      limits: 'Limits',
      metrics: 'Metrics for the operator',
      enabled: 'Turned on',
    },
  },
  connectivity: {
    title: 'Connection test · Mayfly',
    heading: 'Test your connection',
    intro:
      'This checks, without calling anyone, whether your network lets Mayfly connect you to a stranger: directly, or through our relay when “Hide my IP address” is ticked. It takes a few seconds.',
    duration,
    startsSoon: 'The test starts in a moment…',
    connectingToServer: 'Connecting to the Mayfly server…',
    testing: (timeoutMs: number) =>
      `Testing your connection… This takes up to ${duration(timeoutMs)}.`,
    resultsHeading: 'What your browser found',
    addressType: 'Address type',
    whatItIs: 'What it is',
    found: 'Found',
    count: number,
    candidateLabel: {
      host: 'Local (host)',
      srflx: 'Public (srflx)',
      prflx: 'Peer-reflexive (prflx)',
      relay: 'Relay (relay)',
    },
    candidateMeaning: {
      host: 'an address of this device on its local network',
      srflx: 'your public address, as our STUN server sees it',
      prflx: 'an address learned while testing a connection',
      relay: 'an address on our TURN relay, which can forward the call for you',
    },
    firstRelay: (ms: number) => `Time to the first relay address: ${duration(ms)}.`,
    nothingYet: 'Nothing yet.',
    meaningHeading: 'What this means',
    showDetails: 'Show details',
    detailsWarning:
      'These include your own addresses. Close the details before you take a screenshot or share this page.',
    after: (ms: number) => `after ${duration(ms)}`,
    noAddresses: 'No addresses were gathered.',
    browserErrors: 'Errors reported by the browser:',
    runAgain: 'Run the test again',
    back: 'Back to the chat',
    serverUnreachable:
      'The test could not start: the Mayfly server did not answer. Check your internet connection and run the test again.',
    unsupported:
      'This browser could not start a WebRTC connection, so video chat will not work in it. Try an up-to-date Firefox, Chrome, Edge or Safari.',
    headlineRelayWorks: `Test finished. TURN works: ${HIDE_IP} will work on this network.`,
    headlineRelayUnreachable: `Test finished. The relay is unreachable: ${HIDE_IP} will not work on this network.`,
    headlineNoRelay: `Test finished. This server has no relay, so ${HIDE_IP} is not available.`,
    headlineUnlikely: ' Calls are unlikely to connect from this network.',
    relayTopic: 'Relay (TURN)',
    relayWorks: (answeredMs: number | undefined) =>
      `TURN works: our relay gave this browser an address.${answeredMs === undefined ? '' : ` It answered in ${duration(answeredMs)}.`} With ${HIDE_IP} ticked, the stranger sees the relay’s address, not yours.`,
    relayNotOffered: `This server offers no TURN relay, so ${HIDE_IP} cannot work and strict networks may not connect at all. Only the site’s operator can change this.`,
    relayMissing: (refused: boolean, timedOutAfterMs: number | undefined) =>
      `No relay address came back, so ${HIDE_IP} will not work on this network. ` +
      (refused
        ? 'The relay refused the login this page was given; the site’s operator should check its TURN settings.'
        : 'The server’s TURN relay is unreachable from here: a firewall, a VPN or the network may block UDP traffic to it.') +
      (timedOutAfterMs === undefined ? '' : ` No answer came within ${duration(timedOutAfterMs)}.`),
    stunTopic: 'Public address (STUN)',
    stunWorks: `Our STUN server found your public address, so direct connections to most strangers should work. In a direct call the stranger’s browser can see that address; ${HIDE_IP} avoids that.`,
    stunNotOffered:
      'This server offers no STUN server, so your public address was not looked up. Direct calls may still work through the relay or on open networks.',
    stunMissing: (relayWorks: boolean) =>
      'No public address came back. Either this device is not behind a router that translates addresses (then its local address is its public one), or the network blocks STUN. If calls do not connect, ' +
      (relayWorks
        ? `tick ${HIDE_IP}: the relay works here.`
        : 'try another network: the relay is unreachable too.'),
    hostTopic: 'Local addresses (host)',
    hostNone:
      'Your browser offered no local addresses. That is normal when a browser setting, an extension or a VPN hides them, or on a machine whose only network is its own loopback.',
    hostHidden: (count: number) =>
      `Your browser offered ${count === 1 ? 'one local address' : `${number(count)} local addresses`}, each hidden behind a random “.local” name, so the real local IP stays private.`,
    hostReal: (count: number, allReal: boolean) =>
      `Your browser offered ${count === 1 ? 'one local address' : `${number(count)} local addresses`}, ${allReal ? 'as real IP addresses' : 'some as real IP addresses'} of this device. A stranger in a direct call can see them; ${HIDE_IP} keeps them out of the call.`,
  },
};

export type Messages = typeof en;
export default en;
