import {
  formatDateTime,
  formatDuration,
  formatList,
  formatNumber,
  formatSeconds,
  plural,
} from '../format.ts';
import type { Messages } from './en.ts';

const locale = 'pt-BR';
const number = (value: number): string => formatNumber(locale, value);
const duration = (ms: number): string => formatDuration(locale, ms);
const HIDE_IP = '“Ocultar meu endereço IP”';

const room = {
  next: 'Próximo',
  showVideo: 'Mostrar vídeo',
  heading: 'Conversa com uma pessoa desconhecida',
  video: 'Vídeo',
  strangerVideo: 'Vídeo da outra pessoa',
  yourVideo: 'Seu vídeo',
  blurred: 'Vídeo desfocado até você escolher ver.',
  reconnecting: (seconds: number) => `Reconectando… ${formatSeconds(locale, seconds)}`,
  notSendingVideo: 'A outra pessoa não está enviando vídeo.',
  moveTile: 'Mover seu vídeo para outro canto',
  textOnly: {
    'permission-denied':
      'A câmera e o microfone estão bloqueados para este site, então esta conversa é só de texto. Para permitir, clique no ícone à esquerda da barra de endereço (um cadeado ou uma câmera), coloque Câmera e Microfone em “Permitir” e toque em Parar e depois em Começar.',
    'no-devices':
      'Nenhuma câmera ou microfone foi encontrado, então esta conversa é só de texto. Conecte um e toque em Parar e depois em Começar.',
    'device-busy':
      'Sua câmera ou seu microfone está sendo usado por outro app, então esta conversa é só de texto. Feche esse app e toque em Parar e depois em Começar.',
    unsupported:
      'Este navegador não permite acesso à câmera nesta página, então esta conversa é só de texto.',
  },
  textChat: 'Chat de texto',
  messages: 'Mensagens do chat',
  pictureNotSent: 'Não foi possível enviar a imagem.',
  pictureRefused: 'A imagem foi recusada.',
  imageFromStranger: 'Imagem da outra pessoa',
  imageYouSent: 'Imagem que você enviou',
  sendingImage: 'Enviando imagem',
  receivingImage: 'Recebendo imagem',
  typing: 'A outra pessoa está digitando…',
  personalDataKinds: {
    phone: 'um número de telefone',
    email: 'um endereço de e-mail',
    address: 'um endereço residencial',
  },
  personalData: (kinds: readonly string[]) =>
    `Isso parece ${formatList(locale, kinds)}. A outra pessoa pode guardar isso para sempre. Toque em Enviar de novo para enviar mesmo assim, ou edite sua mensagem.`,
  message: 'Mensagem',
  typeMessage: 'Digite uma mensagem',
  chatClosed: 'O chat abre quando você estiver conectado',
  send: 'Enviar',
  sendImage: 'Enviar imagem',
  privacyNote:
    'Mensagens e imagens vão direto para o navegador da outra pessoa, sem passar pelo nosso servidor. As imagens são redesenhadas antes, então a localização e os dados da câmera são removidos.',
  call: 'Chamada',
  stop: 'Parar',
  muteMicrophone: 'Silenciar microfone',
  cameraOff: 'Desligar câmera',
  switchCamera: 'Trocar câmera',
  sheet: 'Segurança e configurações',
  soundCues: 'Avisos sonoros',
  shortcuts: 'Atalhos:',
  escapeKey: 'Esc',
  enterKey: 'Enter',
  arrowsBefore: 'as setas no botão',
  arrowsAfter: 'movem seu vídeo.',
  close: 'Fechar',
  report: 'Denunciar',
  block: 'Bloquear',
  blurVideo: 'Desfocar vídeo',
  safetyCode: 'Código de segurança',
  safetyCodeHint:
    'A outra pessoa deve ver o mesmo código. Se o dela for diferente, alguém pode estar escutando: toque em Próximo.',
  route: 'Rota da conexão',
  relayed: 'Retransmitida',
  direct: 'Direta',
  routeDirect: 'O navegador da outra pessoa pode ver seu endereço IP.',
  routeRelayed: 'A outra pessoa vê o endereço do nosso servidor de retransmissão, não o seu.',
  routeRelayedShared: `Áudio e vídeo passam pelo nosso servidor de retransmissão, mas seu navegador compartilhou os endereços dele com o da outra pessoa ao conectar. ${HIDE_IP} evita isso.`,
  appliesNext: 'Vale a partir da próxima pessoa.',
  camera: 'Câmera',
  microphone: 'Microfone',
  reportTitle: 'Denunciar esta pessoa',
  reportHint:
    'A conversa termina e vocês não serão mais juntados. A denúncia conta contra a conexão dela, nunca cita você e não guarda nenhuma mensagem, imagem ou vídeo.',
  reportQuestion: 'O que aconteceu?',
  reasons: {
    sexual: 'Nudez ou conteúdo sexual',
    harassment: 'Assédio',
    underage: 'Parece ter menos de 18 anos',
    spam: 'Spam ou golpe',
    other: 'Outra coisa',
  },
  reportAndLeave: 'Denunciar e sair',
  cancel: 'Cancelar',
};

const ptBR: Messages = {
  room,
  nav: {
    label: 'Site',
    connectionTest: 'Teste de conexão',
    privacy: 'Privacidade',
    language: 'Idioma',
  },
  page: {
    title: 'Mayfly: converse com um desconhecido',
    description: 'Chat de vídeo anônimo, um a um, com desconhecidos, com privacidade.',
    checkingBrowser: 'Verificando seu navegador',
    sessionFailed:
      'Não foi possível carregar o Mayfly por completo. Verifique sua conexão e recarregue a página.',
    roomFailed:
      'Não foi possível carregar o chat. Verifique sua conexão e toque em Começar de novo.',
  },
  error: {
    notFound: 'Esta página não existe.',
    failed: 'Algo deu errado. Recarregue a página para tentar de novo.',
    back: 'Voltar ao chat',
  },
  start: {
    heading: 'Converse com um desconhecido',
    noticeLead: 'Antes de começar:',
    notice:
      'a outra pessoa pode gravar ou capturar a tela de tudo o que você mostra, diz e envia. Não compartilhe dados pessoais, como seu nome completo, endereço, telefone ou onde você estuda ou trabalha.',
    nickname: 'Apelido',
    nicknameHint: 'Opcional. Só a outra pessoa vê.',
    nicknameError: (max) =>
      `Até ${number(max)} letras, números, espaços, pontos, hifens ou sublinhados, começando com uma letra ou um número.`,
    interests: 'Interesses',
    interestsHint:
      'Opcional, separados por vírgulas, por exemplo “música, xadrez”. Tentamos juntar você com alguém que tenha algum em comum.',
    interestsError: (count, length) =>
      `Até ${number(count)} interesses separados por vírgulas, cada um uma palavra de até ${number(length)} letras ou números.`,
    languages: 'Idiomas que você fala',
    languagesChosen: 'Idiomas que você fala:',
    anyLanguage: 'qualquer um',
    languagesHint: (max) =>
      `Até ${number(max)}. Primeiro juntamos você com alguém que fale um deles e, depois de alguns segundos, com qualquer pessoa.`,
    languagesOnly: 'Só pessoas que falam meu idioma',
    languagesOnlyHint:
      'Nunca mais ninguém. Se ninguém que fale um dos seus idiomas aparecer por um tempo, a busca para e avisa você.',
    hideIp: 'Ocultar meu endereço IP',
    hideIpHint:
      'O vídeo passa pelo nosso servidor de retransmissão, então a outra pessoa nunca vê seu endereço IP. Um pouco mais lento.',
    testConnection: 'Teste sua conexão',
    safeStart: 'Desfocar o vídeo até eu escolher ver',
    safeStartHint: `O vídeo de cada pessoa começa desfocado; toque em “${room.showVideo}” quando quiser. Vale só para esta aba.`,
    adult: 'Tenho 18 anos ou mais',
    rules: `O Mayfly é para adultos. Respeite os outros; saia de qualquer chat com ${room.next} ou Esc.`,
    start: 'Começar',
  },
  chat: {
    unreadablePicture: 'Não foi possível ler esse arquivo como imagem.',
    pictureTooLarge: 'Essa imagem é grande demais para enviar, mesmo reduzida.',
    strangerPictureRefused:
      'A outra pessoa tentou enviar uma imagem grande demais ou uma a mais; ela foi recusada.',
    strangerNotUnderstood:
      'Algo que o navegador da outra pessoa enviou não foi entendido e foi ignorado.',
    strangerTooFast:
      'A outra pessoa está enviando mensagens rápido demais; algumas não foram mostradas.',
    youReported: 'Você denunciou essa pessoa. Vocês não serão mais juntados.',
    youBlocked: 'Você bloqueou essa pessoa. Vocês não serão mais juntados.',
    strangerLeft: 'A outra pessoa saiu.',
    safetyCodeChanged:
      'O código de segurança mudou quando a conexão foi refeita. Compare o novo com a outra pessoa.',
    microphoneFailed: 'Não foi possível abrir esse microfone.',
    cameraFailed: 'Não foi possível abrir essa câmera.',
    you: 'Você',
    stranger: 'Desconhecido',
  },
  status: {
    idle: 'Toque em Começar para conhecer alguém.',
    connectingToServer: 'Conectando ao servidor…',
    offline: 'Não foi possível acessar o servidor. Tentando de novo automaticamente…',
    checking: 'Verificando seu navegador…',
    checkFailed:
      'Este navegador não passou na verificação do servidor contra abuso automatizado. Recarregue a página para tentar de novo ou use outro navegador.',
    banned: (minutes) =>
      plural(locale, minutes, {
        one: 'Várias pessoas denunciaram esta conexão recentemente. Você poderá começar de novo em # minuto.',
        other:
          'Várias pessoas denunciaram esta conexão recentemente. Você poderá começar de novo em # minutos.',
      }),
    searchEnded: (languages) =>
      `Ninguém que fale ${languages} apareceu por um tempo, então paramos de procurar. Toque em Começar para procurar de novo ou desmarque “Só pessoas que falam meu idioma” para conhecer qualquer pessoa.`,
    invalidNickname: 'O servidor não aceitou esse apelido. Tente usar só letras e números.',
    invalidInterests: 'O servidor não aceitou esses interesses. Use até 5 palavras curtas.',
    invalidLanguages: 'O servidor não aceitou esses idiomas. Escolha até 3.',
    unreachable: 'O servidor não respondeu. Toque em Começar para tentar de novo.',
    refused: 'O servidor recusou iniciar um chat. Toque em Começar para tentar de novo.',
    requestingMedia: 'Pedindo acesso à sua câmera e ao seu microfone…',
    waiting: 'Procurando alguém…',
    waitingChecking: 'Procurando alguém… Verificando seu navegador…',
    waitingOffline:
      'Procurando alguém… Não é possível acessar o servidor agora; tentando de novo automaticamente.',
    strangerFound: 'Encontramos alguém. Conectando…',
    reconnecting: 'A conexão com a outra pessoa caiu. Reconectando…',
    connected: (who, interests, languages) =>
      `Conectado com ${who ?? 'um desconhecido'}.` +
      (interests.length > 0 ? ` Vocês dois gostam de ${formatList(locale, interests)}.` : '') +
      (languages !== '' ? ` Vocês dois falam ${languages}.` : ''),
    reported: `Você denunciou essa pessoa; vocês não serão mais juntados. Toque em ${room.next} para conhecer alguém novo.`,
    blocked: `Você bloqueou essa pessoa; vocês não serão mais juntados. Toque em ${room.next} para conhecer alguém novo.`,
    partnerLeft: `A outra pessoa saiu. Toque em ${room.next} para conhecer alguém novo.`,
    failedRelayOnly: `Não foi possível conectar com a outra pessoa. Toque em ${room.next} para tentar outra.`,
    failed: `Não foi possível conectar com a outra pessoa. Uma rede restritiva pode bloquear conexões diretas: marque ${HIDE_IP} (modo de retransmissão) e toque em ${room.next}.`,
  },
  privacy: {
    title: 'Privacidade · Mayfly',
    heading: 'Privacidade',
    summary:
      'Resumindo: sem conta, sem cookies, nada guardado no seu navegador, nenhum script de terceiros. Vídeo, voz, mensagens e imagens vão direto entre você e a outra pessoa, criptografados; nosso servidor só apresenta vocês. Os detalhes abaixo vêm direto da configuração do servidor em funcionamento.',
    serverLanguage: 'O servidor escreve estes detalhes em inglês.',
    loadFailed:
      'Não foi possível carregar a declaração de privacidade do servidor agora. Recarregue a página para tentar de novo.',
    loading: 'Carregando a declaração de privacidade do servidor…',
    back: 'Voltar ao chat',
    yes: 'Sim',
    no: 'Não',
    notStated: 'Não informado.',
    none: 'Nenhum.',
    nothingListed: 'Nada listado.',
    number,
    dateTime: (date) => formatDateTime(locale, date),
    titles: {
      service: 'Serviço',
      matchingState: 'Enquanto você espera ou conversa',
      where: 'Onde fica',
      held: 'O que fica guardado',
      inTransit: 'O que passa entre servidores',
      retention: 'Por quanto tempo',
      reports: 'Denúncias, bloqueios e banimentos',
      kept: 'O que é guardado',
      ban: 'Banimentos temporários',
      whoCanSee: 'Quem pode ver',
      blockMinutes: 'Um bloqueio dura (minutos)',
      banReports: 'Denúncias que banem (endereços diferentes)',
      reportWindowMinutes: 'Uma denúncia conta por (minutos)',
      banMinutes: 'Um banimento dura (minutos)',
      generatedAt: 'Declaração gerada em',
      logging: 'O que o servidor registra',
      what: 'Registrado',
      never: 'Nunca registrado',
      clientIdentifier: 'Como você é diferenciado no registro',
      retentionDays: 'Guardado por (dias)',
      deletion: 'Exclusão',
      ipAddresses: 'Seu endereço IP',
      server: 'Nosso servidor',
      stranger: 'A outra pessoa',
      hideMyIp: HIDE_IP,
      available: 'Disponível',
      defaultOn: 'Ativado por padrão',
      how: 'Como funciona',
      cookies: 'Cookies',
      thirdPartyScripts: 'Scripts de terceiros',
      thirdPartyRequests: 'Solicitações a outros sites',
      browserStorage: 'Armazenamento no seu navegador',
      dataFlow: 'Para onde vão seu vídeo, suas mensagens e suas imagens',
      media: 'Vídeo e áudio',
      messages: 'Mensagens de texto',
      images: 'Imagens',
      signaling: 'Estabelecimento da conexão',
      turn: 'Servidor de retransmissão (TURN)',
      mode: 'Modo',
      policy: 'Política',
      credentials: 'Credenciais',
      encryption: 'Criptografia',
      moderation: 'Moderação',
      limits: 'Limites',
      metrics: 'Métricas para o operador',
      enabled: 'Ativadas',
    },
  },
  connectivity: {
    title: 'Teste de conexão · Mayfly',
    heading: 'Teste sua conexão',
    intro: `Isto verifica, sem ligar para ninguém, se a sua rede deixa o Mayfly conectar você com outra pessoa: diretamente ou pela nossa retransmissão quando ${HIDE_IP} está marcado. Leva alguns segundos.`,
    duration,
    startsSoon: 'O teste começa em instantes…',
    connectingToServer: 'Conectando ao servidor do Mayfly…',
    testing: (timeoutMs) => `Testando sua conexão… Isso leva até ${duration(timeoutMs)}.`,
    resultsHeading: 'O que seu navegador encontrou',
    addressType: 'Tipo de endereço',
    whatItIs: 'O que é',
    found: 'Encontrados',
    count: number,
    candidateLabel: {
      host: 'Local (host)',
      srflx: 'Público (srflx)',
      prflx: 'Reflexivo do par (prflx)',
      relay: 'Retransmissão (relay)',
    },
    candidateMeaning: {
      host: 'um endereço deste dispositivo na rede local',
      srflx: 'seu endereço público, como o nosso servidor STUN o vê',
      prflx: 'um endereço descoberto ao testar uma conexão',
      relay: 'um endereço no nosso servidor TURN, que pode retransmitir a chamada para você',
    },
    firstRelay: (ms) => `Tempo até o primeiro endereço de retransmissão: ${duration(ms)}.`,
    nothingYet: 'Nada ainda.',
    meaningHeading: 'O que isso significa',
    showDetails: 'Mostrar detalhes',
    detailsWarning:
      'Eles incluem seus próprios endereços. Feche os detalhes antes de fazer uma captura de tela ou compartilhar esta página.',
    after: (ms) => `após ${duration(ms)}`,
    noAddresses: 'Nenhum endereço foi obtido.',
    browserErrors: 'Erros informados pelo navegador:',
    runAgain: 'Repetir o teste',
    back: 'Voltar ao chat',
    serverUnreachable:
      'Não foi possível iniciar o teste: o servidor do Mayfly não respondeu. Verifique sua conexão com a internet e repita o teste.',
    unsupported:
      'Este navegador não conseguiu iniciar uma conexão WebRTC, então o chat de vídeo não vai funcionar nele. Tente uma versão atual do Firefox, Chrome, Edge ou Safari.',
    headlineRelayWorks: `Teste concluído. O TURN funciona: ${HIDE_IP} vai funcionar nesta rede.`,
    headlineRelayUnreachable: `Teste concluído. A retransmissão está inacessível: ${HIDE_IP} não vai funcionar nesta rede.`,
    headlineNoRelay: `Teste concluído. Este servidor não tem retransmissão, então ${HIDE_IP} não está disponível.`,
    headlineUnlikely: ' É improvável que chamadas se conectem a partir desta rede.',
    relayTopic: 'Retransmissão (TURN)',
    relayWorks: (answeredMs) =>
      `O TURN funciona: nossa retransmissão deu um endereço a este navegador.${answeredMs === undefined ? '' : ` Ela respondeu em ${duration(answeredMs)}.`} Com ${HIDE_IP} marcado, a outra pessoa vê o endereço da retransmissão, não o seu.`,
    relayNotOffered: `Este servidor não oferece retransmissão TURN, então ${HIDE_IP} não pode funcionar e redes restritivas talvez nem se conectem. Só o operador do site pode mudar isso.`,
    relayMissing: (refused, timedOutAfterMs) =>
      `Nenhum endereço de retransmissão voltou, então ${HIDE_IP} não vai funcionar nesta rede. ` +
      (refused
        ? 'A retransmissão recusou as credenciais que esta página recebeu; o operador do site deve verificar as configurações de TURN.'
        : 'A retransmissão TURN do servidor está inacessível daqui: um firewall, uma VPN ou a rede podem estar bloqueando o tráfego UDP até ela.') +
      (timedOutAfterMs === undefined
        ? ''
        : ` Nenhuma resposta chegou em ${duration(timedOutAfterMs)}.`),
    stunTopic: 'Endereço público (STUN)',
    stunWorks: `Nosso servidor STUN encontrou seu endereço público, então conexões diretas com a maioria das pessoas devem funcionar. Numa chamada direta, o navegador da outra pessoa pode ver esse endereço; ${HIDE_IP} evita isso.`,
    stunNotOffered:
      'Este servidor não oferece STUN, então seu endereço público não foi consultado. Chamadas diretas ainda podem funcionar pela retransmissão ou em redes abertas.',
    stunMissing: (relayWorks) =>
      'Nenhum endereço público voltou. Ou este dispositivo não está atrás de um roteador que traduz endereços (e então o endereço local é o público), ou a rede bloqueia STUN. Se as chamadas não se conectarem, ' +
      (relayWorks
        ? `marque ${HIDE_IP}: a retransmissão funciona aqui.`
        : 'tente outra rede: a retransmissão também está inacessível.'),
    hostTopic: 'Endereços locais (host)',
    hostNone:
      'Seu navegador não ofereceu nenhum endereço local. Isso é normal quando uma configuração do navegador, uma extensão ou uma VPN os esconde, ou numa máquina cuja única rede é o próprio loopback.',
    hostHidden: (count) =>
      plural(locale, count, {
        one: 'Seu navegador ofereceu um endereço local, escondido atrás de um nome “.local” aleatório, então o IP local real continua privado.',
        other:
          'Seu navegador ofereceu # endereços locais, cada um escondido atrás de um nome “.local” aleatório, então o IP local real continua privado.',
      }),
    hostReal: (count, allReal) =>
      plural(locale, count, {
        one: `Seu navegador ofereceu um endereço local, como endereço IP real deste dispositivo. Numa chamada direta a outra pessoa pode vê-lo; ${HIDE_IP} o mantém fora da chamada.`,
        other: `Seu navegador ofereceu # endereços locais, ${allReal ? 'como endereços IP reais' : 'alguns como endereços IP reais'} deste dispositivo. Numa chamada direta a outra pessoa pode vê-los; ${HIDE_IP} os mantém fora da chamada.`,
      }),
  },
};

export default ptBR;
