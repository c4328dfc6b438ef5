// @thaunknown/simple-peer ships no types. peer-connection.ts describes the surface the chat uses;
// this declares what restartable-peer.ts, our one subclass, touches of its internals.
declare module '@thaunknown/simple-peer' {
  export default class SimplePeer {
    constructor(options: unknown);
    readonly initiator: boolean;
    readonly destroyed: boolean;
    /** Being destroyed (simple-peer's own field): the work is queued. */
    readonly _destroying: boolean;
    /** The data channel has opened (and the connection not ended). */
    _connected: boolean;
    /** Looking up the selected candidate pair before reporting `connect`. */
    readonly _connecting: boolean;
    /** ICE is connected (simple-peer's own field). */
    readonly _pcReady: boolean;
    /** The data channel is open (simple-peer's own field). */
    readonly _channelReady: boolean;
    /** Data written through the stream interface before the channel opened; we never write so. */
    readonly _chunk: unknown;
    /** The RTCPeerConnection (simple-peer's own field). */
    _pc: RTCPeerConnection;
    /** Set: simple-peer makes another offer once the signaling state is stable again. */
    _queuedNegotiation: boolean;
    _onIceStateChange(): void;
    _onConnectionStateChange(): void;
    _onChannelClose(): void;
    _maybeReady(): void;
    /** Destroys the peer, then emits `error` when given one; every failure comes through here. */
    __destroy(error?: Error): void;
    negotiate(): void;
    signal(data: unknown): void;
    emit(event: string, ...args: unknown[]): boolean;
  }
}
