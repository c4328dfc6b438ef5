/**
 * This browser's camera and microphone for one session: asking for them (falling back to one of
 * the two, or to text only), the device lists, mute and camera-off, switching devices mid-chat,
 * and turning everything off. Knows nothing of strangers: whoever sends the stream hears about
 * replaced tracks through `onTrackReplaced`.
 */

/** Why we are in text-only mode. */
export type MediaProblem = 'permission-denied' | 'no-devices' | 'device-busy' | 'unsupported';

export interface DeviceOption {
  id: string;
  label: string;
}

export interface MediaState {
  readonly textOnly: boolean;
  readonly mediaProblem: MediaProblem | undefined;
  readonly localStream: MediaStream | undefined;
  readonly micMuted: boolean;
  readonly cameraOff: boolean;
  readonly cameras: readonly DeviceOption[];
  readonly microphones: readonly DeviceOption[];
  readonly cameraId: string | undefined;
  readonly microphoneId: string | undefined;
}

export const NO_MEDIA: MediaState = {
  textOnly: false,
  mediaProblem: undefined,
  localStream: undefined,
  micMuted: false,
  cameraOff: false,
  cameras: [],
  microphones: [],
  cameraId: undefined,
  microphoneId: undefined,
};

export interface MediaPort {
  /** False where the browser offers no camera API (e.g. an insecure origin). */
  readonly available: boolean;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  /**
   * False when asking for camera and microphone will not show the browser's prompt, because
   * this site may already use both (media-permission.ts). Absent, or true: it may.
   */
  mayPrompt?(): boolean;
}

export interface LocalMediaHooks {
  onChange(state: MediaState): void;
  /** A track of the local stream was swapped for another device's; the peer should send it. */
  onTrackReplaced(old: MediaStreamTrack, fresh: MediaStreamTrack, stream: MediaStream): void;
}

export type DeviceSwitch = 'switched' | 'unchanged' | 'failed';

/** A device by its id, or a camera by the way it faces: front (`user`) or back (`environment`). */
export type DeviceChoice =
  { deviceId: { exact: string } } | { facingMode: { exact: 'user' | 'environment' } };

export class LocalMedia {
  readonly #port: MediaPort;
  readonly #hooks: LocalMediaHooks;
  #state: MediaState = NO_MEDIA;
  /** Increases on every release, so a camera prompt answered after Stop is let go. */
  #generation = 0;

  constructor(port: MediaPort, hooks: LocalMediaHooks) {
    this.#port = port;
    this.#hooks = hooks;
  }

  get state(): MediaState {
    return this.#state;
  }

  /** Asks for camera and microphone; without them the state says text-only, and why. */
  async acquire(): Promise<void> {
    if (this.#state.localStream !== undefined) return;
    const generation = this.#generation;
    const port = this.#port;
    if (!port.available) {
      this.#update({ textOnly: true, mediaProblem: 'unsupported' });
      return;
    }
    let stream: MediaStream | undefined;
    let problem: MediaProblem | undefined;
    try {
      stream = await port.getUserMedia({
        audio: true,
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (error) {
      problem = mediaProblemOf(error);
      if (problem !== 'permission-denied') {
        // One of the two may still work: a laptop without a camera can still talk.
        for (const constraints of [{ audio: true }, { video: true }]) {
          try {
            stream = await port.getUserMedia(constraints);
            problem = undefined;
            break;
          } catch {
            continue;
          }
        }
      }
    }
    if (generation !== this.#generation) {
      stopTracks(stream);
      return;
    }
    if (stream === undefined) {
      this.#update({ textOnly: true, mediaProblem: problem ?? 'no-devices' });
      return;
    }
    this.#update({
      ...NO_MEDIA,
      localStream: stream,
      cameraId: stream.getVideoTracks()[0]?.getSettings().deviceId,
      microphoneId: stream.getAudioTracks()[0]?.getSettings().deviceId,
    });
    await this.#listDevices(generation);
  }

  /** Turns camera and microphone off and forgets the devices and any text-only reason. */
  release(): void {
    this.#generation++;
    stopTracks(this.#state.localStream);
    this.#update(NO_MEDIA);
  }

  toggleMicrophone(): void {
    this.#toggle('audio');
  }

  toggleCamera(): void {
    this.#toggle('video');
  }

  /** Switches to another camera or microphone; `failed` when that device could not be opened. */
  async selectDevice(kind: 'audio' | 'video', choice: DeviceChoice): Promise<DeviceSwitch> {
    const stream = this.#state.localStream;
    if (stream === undefined) return 'unchanged';
    const [old] = tracksOf(stream, kind);
    if (old === undefined) return 'unchanged';
    if ('deviceId' in choice && old.getSettings().deviceId === choice.deviceId.exact) {
      return 'unchanged';
    }
    let fresh: MediaStream;
    try {
      fresh = await this.#port.getUserMedia({ [kind]: choice });
    } catch {
      return 'failed';
    }
    const [track] = tracksOf(fresh, kind);
    if (track === undefined || this.#state.localStream !== stream) {
      stopTracks(fresh);
      return 'unchanged';
    }
    // Muted stays muted, camera off stays off, on the new device too.
    track.enabled = old.enabled;
    this.#hooks.onTrackReplaced(old, track, stream);
    stream.removeTrack(old);
    old.stop();
    stream.addTrack(track);
    const { deviceId } = track.getSettings();
    this.#update(kind === 'audio' ? { microphoneId: deviceId } : { cameraId: deviceId });
    return 'switched';
  }

  /** Mutes the microphone or turns the camera off (the track stays, sending silence or black). */
  #toggle(kind: 'audio' | 'video'): void {
    const tracks = tracksOf(this.#state.localStream, kind);
    if (tracks.length === 0) return;
    const off = !(kind === 'audio' ? this.#state.micMuted : this.#state.cameraOff);
    for (const track of tracks) track.enabled = !off;
    this.#update(kind === 'audio' ? { micMuted: off } : { cameraOff: off });
  }

  async #listDevices(generation: number): Promise<void> {
    let devices: MediaDeviceInfo[];
    try {
      devices = await this.#port.enumerateDevices();
    } catch (error) {
      console.warn('mayfly: could not list devices', error);
      return;
    }
    if (generation !== this.#generation) return;
    // A device's label stays empty until it may be used; number those instead.
    const options = (kind: MediaDeviceKind, fallback: string): DeviceOption[] =>
      devices
        .filter((device) => device.kind === kind && device.deviceId !== '')
        .map((device, index) => ({
          id: device.deviceId,
          label: device.label || `${fallback} ${index + 1}`,
        }));
    this.#update({
      cameras: options('videoinput', 'Camera'),
      microphones: options('audioinput', 'Microphone'),
    });
  }

  #update(patch: Partial<MediaState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#hooks.onChange(this.#state);
  }
}

function tracksOf(stream: MediaStream | undefined, kind: 'audio' | 'video'): MediaStreamTrack[] {
  if (stream === undefined) return [];
  return kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks();
}

function stopTracks(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

function mediaProblemOf(error: unknown): MediaProblem {
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'permission-denied';
    case 'NotReadableError':
    case 'AbortError':
      return 'device-busy';
    default:
      return 'no-devices';
  }
}
