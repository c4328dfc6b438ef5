import {
  formatDateTime,
  formatDuration,
  formatList,
  formatNumber,
  formatSeconds,
} from '../format.ts';
import type { Messages } from './en.ts';

const locale = 'ja';
const number = (value: number): string => formatNumber(locale, value);
const duration = (ms: number): string => formatDuration(locale, ms);
const HIDE_IP = '「IP アドレスを隠す」';

const room = {
  next: '次へ',
  showVideo: '映像を表示',
  heading: '知らない人とのチャット',
  video: '映像',
  strangerVideo: '相手の映像',
  yourVideo: '自分の映像',
  blurred: '見ると決めるまで映像はぼかされています。',
  reconnecting: (seconds: number) => `再接続中… ${formatSeconds(locale, seconds)}`,
  notSendingVideo: '相手は映像を送っていません。',
  moveTile: '自分の映像を別の隅に移動',
  textOnly: {
    'permission-denied':
      'このサイトではカメラとマイクがブロックされているため、テキストのみのチャットです。許可するには、アドレスバーの左にあるアイコン(鍵またはカメラ)をクリックし、カメラとマイクを「許可」にしてから、「停止」を押してもう一度「開始」を押してください。',
    'no-devices':
      'カメラもマイクも見つからないため、テキストのみのチャットです。どちらかを接続してから、「停止」を押してもう一度「開始」を押してください。',
    'device-busy':
      'カメラまたはマイクを別のアプリが使っているため、テキストのみのチャットです。そのアプリを閉じてから、「停止」を押してもう一度「開始」を押してください。',
    unsupported:
      'このブラウザはこのページでのカメラの使用を許可していないため、テキストのみのチャットです。',
  },
  textChat: 'テキストチャット',
  messages: 'チャットのメッセージ',
  pictureNotSent: '画像を送信できませんでした。',
  pictureRefused: '画像は拒否されました。',
  imageFromStranger: '相手からの画像',
  imageYouSent: '送信した画像',
  sendingImage: '画像を送信中',
  receivingImage: '画像を受信中',
  typing: '相手が入力中…',
  personalDataKinds: {
    phone: '電話番号',
    email: 'メールアドレス',
    address: '住所',
  },
  personalData: (kinds: readonly string[]) =>
    `${formatList(locale, kinds)}のようです。相手はこれをずっと保存できます。それでも送るにはもう一度「送信」を押すか、メッセージを編集してください。`,
  message: 'メッセージ',
  typeMessage: 'メッセージを入力',
  chatClosed: '接続するとチャットできます',
  send: '送信',
  sendImage: '画像を送信',
  privacyNote:
    'メッセージと画像は当社のサーバーを通らず、相手のブラウザに直接届きます。画像は送信前に描き直されるため、位置情報やカメラの情報は取り除かれます。',
  call: '通話',
  stop: '停止',
  muteMicrophone: 'マイクをミュート',
  cameraOff: 'カメラをオフ',
  switchCamera: 'カメラを切り替え',
  sheet: '安全と設定',
  soundCues: '通知音',
  shortcuts: 'ショートカット:',
  escapeKey: 'Esc',
  enterKey: 'Enter',
  arrowsBefore: '矢印キー(',
  arrowsAfter: 'ボタン上)で自分の映像を移動。',
  close: '閉じる',
  report: '報告',
  block: 'ブロック',
  blurVideo: '映像をぼかす',
  safetyCode: '安全コード',
  safetyCodeHint:
    '相手にも同じコードが表示されているはずです。違っていたら誰かが盗み聞きしているかもしれません。「次へ」を押してください。',
  route: '接続経路',
  relayed: '中継',
  direct: '直接',
  routeDirect: '相手のブラウザからあなたの IP アドレスが見えます。',
  routeRelayed: '相手に見えるのはあなたのアドレスではなく、当社の中継サーバーのアドレスです。',
  routeRelayedShared: `音声と映像は当社の中継サーバーを通っていますが、接続の際にあなたのブラウザが相手のブラウザに自分のアドレスを伝えました。${HIDE_IP}を使うとこれを防げます。`,
  appliesNext: '次の相手から適用されます。',
  camera: 'カメラ',
  microphone: 'マイク',
  reportTitle: 'この人を報告',
  reportHint:
    'チャットは終了し、今後この人とつながることはありません。報告は相手の接続に対して数えられ、あなたの名前が伝わることはなく、メッセージ・画像・映像は一切保存されません。',
  reportQuestion: '何がありましたか?',
  reasons: {
    sexual: '裸や性的な内容',
    harassment: '嫌がらせ',
    underage: '18 歳未満に見える',
    spam: 'スパムや詐欺',
    other: 'その他',
  },
  reportAndLeave: '報告して退出',
  cancel: 'キャンセル',
};

const ja: Messages = {
  room,
  nav: {
    label: 'サイト',
    connectionTest: '接続テスト',
    privacy: 'プライバシー',
    language: '言語',
  },
  page: {
    title: 'Mayfly: 知らない人と話そう',
    description: '知らない人と一対一で話せる、匿名でプライベートなビデオチャット。',
    checkingBrowser: 'ブラウザを確認しています',
    sessionFailed:
      'Mayfly を最後まで読み込めませんでした。接続を確認して、ページを再読み込みしてください。',
    roomFailed:
      'チャットを読み込めませんでした。接続を確認して、もう一度「開始」を押してください。',
  },
  error: {
    notFound: 'このページは存在しません。',
    failed: '問題が発生しました。ページを再読み込みしてもう一度お試しください。',
    back: 'チャットに戻る',
  },
  start: {
    heading: '知らない人と話そう',
    noticeLead: '始める前に:',
    notice:
      '相手は、あなたが見せたもの、話したこと、送ったものをすべて録画したりスクリーンショットに撮ったりできます。フルネーム、住所、電話番号、学校や勤務先などの個人情報は伝えないでください。',
    nickname: 'ニックネーム',
    nicknameHint: '任意。相手にだけ表示されます。',
    nicknameError: (max) =>
      `使えるのは文字・数字・スペース・ピリオド・ハイフン・アンダースコアで、${number(max)} 文字まで。先頭は文字か数字にしてください。`,
    interests: '興味のあること',
    interestsHint:
      '任意。カンマ区切りで、例:「音楽, チェス」。共通の興味がある人とつながれるようにします。',
    interestsError: (count, length) =>
      `カンマ区切りで ${number(count)} 個まで。それぞれ ${number(length)} 文字以内の文字か数字の単語にしてください。`,
    languages: '話せる言語',
    languagesChosen: '話せる言語:',
    anyLanguage: '指定なし',
    languagesHint: (max) =>
      `${number(max)} つまで。まずはどれかの言語を話す人と、数秒たったら誰とでもつなぎます。`,
    languagesOnly: '自分の言語を話す人だけ',
    languagesOnlyHint:
      'それ以外の人とは決してつなぎません。しばらく誰も来なければ、検索を止めてお知らせします。',
    hideIp: 'IP アドレスを隠す',
    hideIpHint:
      '映像を当サービスの中継サーバー経由で送るので、相手にあなたの IP アドレスは見えません。少し遅くなります。',
    testConnection: '接続をテストする',
    safeStart: '自分で選ぶまで映像をぼかす',
    safeStartHint: `相手の映像は最初ぼかされています。準備ができたら「${room.showVideo}」を押してください。この設定はこのタブでのみ保持されます。`,
    adult: '18 歳以上です',
    rules: `Mayfly は大人向けです。相手を尊重してください。どのチャットも「${room.next}」か Esc キーで抜けられます。`,
    start: '開始',
  },
  chat: {
    unreadablePicture: 'そのファイルは画像として読み込めませんでした。',
    pictureTooLarge: 'その画像は縮小しても大きすぎて送れません。',
    strangerPictureRefused:
      '相手が大きすぎる画像、または上限を超える画像を送ろうとしたため、受け取りませんでした。',
    strangerNotUnderstood:
      '相手のブラウザから届いたデータの一部を解釈できなかったため、無視しました。',
    strangerTooFast: '相手のメッセージが速すぎるため、一部を表示していません。',
    youReported: '相手を報告しました。今後この人とつながることはありません。',
    youBlocked: '相手をブロックしました。今後この人とつながることはありません。',
    strangerLeft: '相手が退出しました。',
    safetyCodeChanged:
      '接続の再構築で安全コードが変わりました。新しいコードを相手と照合してください。',
    microphoneFailed: 'そのマイクを開けませんでした。',
    cameraFailed: 'そのカメラを開けませんでした。',
    you: 'あなた',
    stranger: '相手',
  },
  status: {
    idle: '「開始」を押すと、知らない人とつながります。',
    connectingToServer: 'サーバーに接続しています…',
    offline: 'サーバーに接続できません。自動で再試行しています…',
    checking: 'ブラウザを確認しています…',
    checkFailed:
      'このブラウザは、自動化された不正利用を防ぐサーバーの確認を通過できませんでした。ページを再読み込みしてもう一度試すか、別のブラウザをお使いください。',
    banned: (minutes) =>
      `最近、複数の人がこの接続を報告しました。${number(minutes)} 分後にまた始められます。`,
    searchEnded: (languages) =>
      `しばらく${languages}を話す人が来なかったため、検索を止めました。もう一度探すには「開始」を押してください。誰とでも話すには「自分の言語を話す人だけ」のチェックを外してください。`,
    invalidNickname:
      'サーバーがそのニックネームを受け付けませんでした。文字と数字だけにしてみてください。',
    invalidInterests: 'サーバーがその興味を受け付けませんでした。短い単語 5 個までにしてください。',
    invalidLanguages: 'サーバーがその言語を受け付けませんでした。3 つまで選んでください。',
    unreachable: 'サーバーが応答しませんでした。もう一度試すには「開始」を押してください。',
    refused: 'サーバーがチャットの開始を拒否しました。もう一度試すには「開始」を押してください。',
    requestingMedia: 'カメラとマイクへのアクセスを求めています…',
    waiting: '相手を探しています…',
    waitingChecking: '相手を探しています… ブラウザを確認しています…',
    waitingOffline: '相手を探しています… 今はサーバーに接続できません。自動で再試行しています。',
    strangerFound: '相手が見つかりました。接続しています…',
    reconnecting: '相手との接続が切れました。再接続しています…',
    connected: (who, interests, languages) =>
      `${who === undefined ? '知らない人' : `${who} さん`}とつながりました。` +
      (interests.length > 0 ? `共通の興味: ${formatList(locale, interests)}。` : '') +
      (languages !== '' ? `二人とも${languages}を話します。` : ''),
    reported: `相手を報告しました。今後この人とつながることはありません。新しい人と話すには「${room.next}」を押してください。`,
    blocked: `相手をブロックしました。今後この人とつながることはありません。新しい人と話すには「${room.next}」を押してください。`,
    partnerLeft: `相手が退出しました。新しい人と話すには「${room.next}」を押してください。`,
    failedRelayOnly: `相手に接続できませんでした。別の人を試すには「${room.next}」を押してください。`,
    failed: `相手に接続できませんでした。制限の厳しいネットワークでは直接接続がブロックされることがあります。${HIDE_IP}(中継モード)にチェックを入れて「${room.next}」を押してください。`,
  },
  privacy: {
    title: 'プライバシー · Mayfly',
    heading: 'プライバシー',
    summary:
      '要点: アカウントなし、Cookie なし、ブラウザには何も保存せず、サードパーティのスクリプトもありません。映像、音声、メッセージ、画像は暗号化され、あなたと相手の間で直接やり取りされます。当サービスのサーバーは二人を引き合わせるだけです。以下の詳細は、稼働中のサーバーの設定からそのまま取得しています。',
    serverLanguage: 'サーバーはこの詳細を英語で記述しています。',
    loadFailed:
      '今はサーバーのプライバシーに関する説明を読み込めませんでした。ページを再読み込みしてもう一度お試しください。',
    loading: 'サーバーのプライバシーに関する説明を読み込んでいます…',
    back: 'チャットに戻る',
    yes: 'はい',
    no: 'いいえ',
    notStated: '記載なし。',
    none: 'なし。',
    nothingListed: '該当なし。',
    number,
    dateTime: (date) => formatDateTime(locale, date),
    titles: {
      service: 'サービス',
      matchingState: '待機中・チャット中',
      where: '保持場所',
      held: '保持されるもの',
      inTransit: 'サーバー間で受け渡されるもの',
      retention: '保持期間',
      reports: '報告・ブロック・利用停止',
      kept: '保存されるもの',
      ban: '一時的な利用停止',
      whoCanSee: '誰が見られるか',
      blockMinutes: 'ブロックの期間(分)',
      banReports: '利用停止になる報告数(異なるアドレスから)',
      reportWindowMinutes: '報告が有効な期間(分)',
      banMinutes: '利用停止の期間(分)',
      generatedAt: '説明の生成日時',
      logging: 'サーバーが記録するもの',
      what: '記録するもの',
      never: '決して記録しないもの',
      clientIdentifier: 'ログでの識別方法',
      retentionDays: '保存期間(日)',
      deletion: '削除',
      ipAddresses: 'あなたの IP アドレス',
      server: '当サービスのサーバー',
      stranger: '相手',
      hideMyIp: HIDE_IP,
      available: '利用可能',
      defaultOn: '既定でオン',
      how: '仕組み',
      cookies: 'Cookie',
      thirdPartyScripts: 'サードパーティのスクリプト',
      thirdPartyRequests: '他サイトへのリクエスト',
      browserStorage: 'ブラウザ内の保存',
      dataFlow: '映像・メッセージ・画像の行き先',
      media: '映像と音声',
      messages: 'テキストメッセージ',
      images: '画像',
      signaling: '接続の確立',
      turn: '中継サーバー(TURN)',
      mode: 'モード',
      policy: 'ポリシー',
      credentials: '認証情報',
      encryption: '暗号化',
      moderation: 'モデレーション',
      limits: '限界',
      metrics: '運営者向けの計測値',
      enabled: '有効',
    },
  },
  connectivity: {
    title: '接続テスト · Mayfly',
    heading: '接続をテストする',
    intro: `誰にも発信せずに、あなたのネットワークで Mayfly が相手とつなげられるかを確認します。直接つなぐ場合と、${HIDE_IP}にチェックを入れて中継サーバー経由でつなぐ場合です。数秒かかります。`,
    duration,
    startsSoon: 'まもなくテストを始めます…',
    connectingToServer: 'Mayfly のサーバーに接続しています…',
    testing: (timeoutMs) => `接続をテストしています… 最大 ${duration(timeoutMs)} かかります。`,
    resultsHeading: 'ブラウザが見つけたもの',
    addressType: 'アドレスの種類',
    whatItIs: '説明',
    found: '件数',
    count: number,
    candidateLabel: {
      host: 'ローカル(host)',
      srflx: 'パブリック(srflx)',
      prflx: 'ピア反射(prflx)',
      relay: '中継(relay)',
    },
    candidateMeaning: {
      host: 'このデバイスのローカルネットワーク上のアドレス',
      srflx: '当サービスの STUN サーバーから見た、あなたのパブリックアドレス',
      prflx: '接続のテスト中に判明したアドレス',
      relay: '当サービスの TURN 中継サーバー上のアドレス。あなたの代わりに通話を中継できます',
    },
    firstRelay: (ms) => `最初の中継アドレスまでの時間: ${duration(ms)}。`,
    nothingYet: 'まだ何もありません。',
    meaningHeading: 'これが意味すること',
    showDetails: '詳細を表示',
    detailsWarning:
      'あなた自身のアドレスが含まれます。スクリーンショットを撮ったりこのページを共有したりする前に、詳細を閉じてください。',
    after: (ms) => `${duration(ms)} 後`,
    noAddresses: 'アドレスは収集されませんでした。',
    browserErrors: 'ブラウザが報告したエラー:',
    runAgain: 'もう一度テストする',
    back: 'チャットに戻る',
    serverUnreachable:
      'テストを開始できませんでした。Mayfly のサーバーが応答しません。インターネット接続を確認して、もう一度テストしてください。',
    unsupported:
      'このブラウザでは WebRTC 接続を開始できなかったため、ビデオチャットは使えません。最新の Firefox、Chrome、Edge、Safari をお試しください。',
    headlineRelayWorks: `テスト完了。TURN は動作しています。このネットワークでは${HIDE_IP}が使えます。`,
    headlineRelayUnreachable: `テスト完了。中継サーバーに届きません。このネットワークでは${HIDE_IP}は使えません。`,
    headlineNoRelay: `テスト完了。このサーバーには中継サーバーがないため、${HIDE_IP}は使えません。`,
    headlineUnlikely: 'このネットワークからは通話がつながらない可能性が高いです。',
    relayTopic: '中継(TURN)',
    relayWorks: (answeredMs) =>
      `TURN は動作しています。中継サーバーがこのブラウザにアドレスを割り当てました。${answeredMs === undefined ? '' : `応答時間は ${duration(answeredMs)} でした。`}${HIDE_IP}にチェックを入れると、相手にはあなたではなく中継サーバーのアドレスが見えます。`,
    relayNotOffered: `このサーバーは TURN 中継を提供していないため、${HIDE_IP}は使えず、制限の厳しいネットワークではまったくつながらないこともあります。これを変えられるのはサイトの運営者だけです。`,
    relayMissing: (refused, timedOutAfterMs) =>
      `中継アドレスが返ってこなかったため、このネットワークでは${HIDE_IP}は使えません。` +
      (refused
        ? '中継サーバーがこのページに渡されたログイン情報を拒否しました。サイトの運営者は TURN の設定を確認してください。'
        : 'ここからはサーバーの TURN 中継に届きません。ファイアウォール、VPN、またはネットワークがそこへの UDP 通信をブロックしている可能性があります。') +
      (timedOutAfterMs === undefined
        ? ''
        : `${duration(timedOutAfterMs)} 以内に応答がありませんでした。`),
    stunTopic: 'パブリックアドレス(STUN)',
    stunWorks: `STUN サーバーがあなたのパブリックアドレスを見つけたので、ほとんどの相手と直接接続できるはずです。直接の通話では相手のブラウザにこのアドレスが見えます。${HIDE_IP}でそれを防げます。`,
    stunNotOffered:
      'このサーバーは STUN を提供していないため、パブリックアドレスは調べていません。それでも中継経由や制限のないネットワークでは直接通話できることがあります。',
    stunMissing: (relayWorks) =>
      'パブリックアドレスが返ってきませんでした。このデバイスがアドレス変換をするルーターの内側にない(ローカルアドレスがそのままパブリックアドレス)か、ネットワークが STUN をブロックしています。通話がつながらない場合は、' +
      (relayWorks
        ? `${HIDE_IP}にチェックを入れてください。ここでは中継が使えます。`
        : '別のネットワークを試してください。中継サーバーにも届きません。'),
    hostTopic: 'ローカルアドレス(host)',
    hostNone:
      'ブラウザはローカルアドレスを提示しませんでした。ブラウザの設定、拡張機能、VPN がアドレスを隠している場合や、ループバックしかネットワークがないマシンでは普通のことです。',
    hostHidden: (count) =>
      `ブラウザはローカルアドレスを ${number(count)} 件提示しました。どれもランダムな「.local」名の裏に隠されているため、本当のローカル IP は知られません。`,
    hostReal: (count, allReal) =>
      `ブラウザはこのデバイスのローカルアドレスを ${number(count)} 件、${allReal ? '実際の IP アドレスとして' : '一部は実際の IP アドレスとして'}提示しました。直接の通話では相手に見えます。${HIDE_IP}で通話から除外できます。`,
  },
};

export default ja;
