import { describe, expect, it } from 'vitest';
import { LocalMedia, NO_MEDIA, type MediaState } from '../src/lib/session/local-media';
import { FakeStream, FakeTrack, fakeMedia, flush, mediaError } from './fakes';

/** By default the first request gets `stream`, a device request a stream of that device. */
function setup(result?: (constraints: MediaStreamConstraints) => Promise<FakeStream>) {
  const stream = new FakeStream(
    new FakeTrack('audio', 'audio-1'),
    new FakeTrack('video', 'video-1'),
  );
  const port = fakeMedia(result ?? withDevices(stream));
  const states: MediaState[] = [];
  const replaced: [unknown, unknown, unknown][] = [];
  const media = new LocalMedia(port, {
    onChange: (state) => states.push(state),
    onTrackReplaced: (old, fresh, on) => replaced.push([old, fresh, on]),
  });
  return { media, port, stream, states, replaced };
}

function withDevices(first: FakeStream) {
  return (constraints: MediaStreamConstraints): Promise<FakeStream> => {
    const wanted = (constraints.video ?? constraints.audio) as
      { deviceId?: { exact: string } } | boolean;
    if (typeof wanted === 'boolean' || wanted.deviceId === undefined) return Promise.resolve(first);
    const id = wanted.deviceId.exact;
    if (id === 'broken') return Promise.reject(mediaError('NotReadableError'));
    return Promise.resolve(
      new FakeStream(new FakeTrack(constraints.video ? 'video' : 'audio', id)),
    );
  };
}

describe('LocalMedia', () => {
  it('opens camera and microphone and lists the devices, numbering unnamed ones', async () => {
    const t = setup();
    await t.media.acquire();
    expect(t.media.state).toMatchObject({
      localStream: t.stream,
      textOnly: false,
      cameraId: 'video-1',
      microphoneId: 'audio-1',
      cameras: [
        { id: 'video-1', label: 'Front camera' },
        { id: 'video-2', label: 'Camera 2' },
      ],
      microphones: [{ id: 'audio-1', label: 'Mic' }],
    });
    expect(t.states.at(-1)).toBe(t.media.state);
  });

  it('falls back to text only when camera permission is denied, without asking again', async () => {
    const t = setup(() => Promise.reject(mediaError('NotAllowedError')));
    await t.media.acquire();
    expect(t.media.state).toMatchObject({
      textOnly: true,
      mediaProblem: 'permission-denied',
      localStream: undefined,
    });
    expect(t.port.calls).toBe(1);
  });

  it('tries microphone or camera alone before giving up on devices', async () => {
    const audioOnly = new FakeStream(new FakeTrack('audio'));
    let call = 0;
    const t = setup(() =>
      ++call === 1 ? Promise.reject(mediaError('NotFoundError')) : Promise.resolve(audioOnly),
    );
    await t.media.acquire();
    expect(t.media.state).toMatchObject({ textOnly: false, localStream: audioOnly });

    const none = setup(() => Promise.reject(mediaError('NotFoundError')));
    await none.media.acquire();
    expect(none.media.state).toMatchObject({ textOnly: true, mediaProblem: 'no-devices' });
    expect(none.port.calls).toBe(3);
  });

  it('tells a busy device from a missing one, and a browser without a camera API', async () => {
    const busy = setup(() => Promise.reject(mediaError('NotReadableError')));
    await busy.media.acquire();
    expect(busy.media.state.mediaProblem).toBe('device-busy');

    const none = setup();
    const unavailable = new LocalMedia(
      { ...none.port, available: false },
      { onChange: () => undefined, onTrackReplaced: () => undefined },
    );
    await unavailable.acquire();
    expect(unavailable.state).toMatchObject({ textOnly: true, mediaProblem: 'unsupported' });
    expect(none.port.calls).toBe(0);
  });

  it('turns the camera off on release and forgets devices and the text-only reason', async () => {
    const t = setup();
    await t.media.acquire();
    t.media.toggleMicrophone();
    t.media.release();
    expect(t.stream.tracks.every((track) => track.stopped)).toBe(true);
    expect(t.media.state).toEqual(NO_MEDIA);
  });

  it('lets go of a camera granted after release (Stop while the prompt was open)', async () => {
    const t = setup();
    const asking = t.media.acquire();
    t.media.release();
    await asking;
    await flush();
    expect(t.stream.tracks.every((track) => track.stopped)).toBe(true);
    expect(t.media.state).toEqual(NO_MEDIA);
  });

  it('toggles microphone and camera on the local tracks', async () => {
    const t = setup();
    await t.media.acquire();
    t.media.toggleMicrophone();
    t.media.toggleCamera();
    expect(t.stream.getAudioTracks()[0]?.enabled).toBe(false);
    expect(t.stream.getVideoTracks()[0]?.enabled).toBe(false);
    expect(t.media.state).toMatchObject({ micMuted: true, cameraOff: true });
    t.media.toggleMicrophone();
    expect(t.stream.getAudioTracks()[0]?.enabled).toBe(true);
    expect(t.media.state.micMuted).toBe(false);
  });

  it('switches camera in the same stream, keeping it off if it was, and hands the track on', async () => {
    const t = setup();
    const { stream } = t;
    await t.media.acquire();
    t.media.toggleCamera();
    const old = stream.getVideoTracks()[0];

    expect(await t.media.selectDevice('video', { deviceId: { exact: 'video-2' } })).toBe(
      'switched',
    );
    const fresh = stream.getVideoTracks()[0];
    expect(fresh?.deviceId).toBe('video-2');
    expect(fresh?.enabled).toBe(false);
    expect(old?.stopped).toBe(true);
    expect(stream.tracks).toHaveLength(2);
    expect(t.replaced).toEqual([[old, fresh, stream]]);
    expect(t.media.state.cameraId).toBe('video-2');
  });

  it('switches a phone from its front camera to the back one by the way it faces', async () => {
    const front = new FakeTrack('video', 'front', 'user');
    const stream = new FakeStream(new FakeTrack('audio'), front);
    const asked: MediaStreamConstraints[] = [];
    const t = setup((constraints) => {
      asked.push(constraints);
      if (asked.length === 1) return Promise.resolve(stream);
      return Promise.resolve(new FakeStream(new FakeTrack('video', 'back', 'environment')));
    });
    await t.media.acquire();
    expect(await t.media.selectDevice('video', { facingMode: { exact: 'environment' } })).toBe(
      'switched',
    );
    expect(asked.at(-1)).toEqual({ video: { facingMode: { exact: 'environment' } } });
    expect(stream.getVideoTracks()[0]?.deviceId).toBe('back');
    expect(front.stopped).toBe(true);
    expect(t.media.state.cameraId).toBe('back');
  });

  it('leaves the stream as it was when a device cannot be opened or is already in use', async () => {
    const t = setup();
    const { stream } = t;
    await t.media.acquire();
    expect(await t.media.selectDevice('audio', { deviceId: { exact: 'broken' } })).toBe('failed');
    expect(await t.media.selectDevice('audio', { deviceId: { exact: 'audio-1' } })).toBe(
      'unchanged',
    );
    expect(stream.getAudioTracks()[0]).toMatchObject({ deviceId: 'audio-1', stopped: false });
    expect(t.replaced).toEqual([]);
    expect(t.media.state.microphoneId).toBe('audio-1');
  });
});
