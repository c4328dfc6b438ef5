import { describe, expect, it } from 'vitest';
import {
  watchMediaPermission,
  type PermissionStatusPort,
  type PermissionsPort,
} from '../src/lib/session/media-permission';
import { flush } from './fakes';

/** A PermissionStatus whose state the test sets, telling its `change` listeners. */
class FakeStatus implements PermissionStatusPort {
  readonly listeners = new Set<() => void>();
  #state: PermissionState;
  constructor(state: PermissionState) {
    this.#state = state;
  }
  get state(): PermissionState {
    return this.#state;
  }
  set(state: PermissionState): void {
    this.#state = state;
    for (const listener of this.listeners) listener();
  }
  addEventListener(_type: 'change', listener: () => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'change', listener: () => void): void {
    this.listeners.delete(listener);
  }
}

function permissions(camera: FakeStatus, microphone: FakeStatus): PermissionsPort {
  return {
    query: ({ name }) => Promise.resolve(name === 'camera' ? camera : microphone),
  };
}

describe('watchMediaPermission', () => {
  it('is granted once the browser says both camera and microphone are', async () => {
    const permission = watchMediaPermission(
      permissions(new FakeStatus('granted'), new FakeStatus('granted')),
    );
    // Not known before the browser has answered: the prompt may show.
    expect(permission.granted()).toBe(false);
    await flush();
    expect(permission.granted()).toBe(true);
  });

  it.each([
    ['prompt', 'granted'],
    ['granted', 'prompt'],
    ['denied', 'granted'],
    ['granted', 'denied'],
  ] as const)('is not granted when the camera is %s and the microphone %s', async (cam, mic) => {
    const permission = watchMediaPermission(permissions(new FakeStatus(cam), new FakeStatus(mic)));
    await flush();
    expect(permission.granted()).toBe(false);
  });

  it('follows a change made while the tab is open (allowed, then revoked in the settings)', async () => {
    const camera = new FakeStatus('prompt');
    const microphone = new FakeStatus('granted');
    const permission = watchMediaPermission(permissions(camera, microphone));
    await flush();
    expect(permission.granted()).toBe(false);
    camera.set('granted');
    expect(permission.granted()).toBe(true);
    microphone.set('denied');
    expect(permission.granted()).toBe(false);
  });

  it('may prompt where the browser cannot be asked about the camera (the query rejects)', async () => {
    const permission = watchMediaPermission({
      query: () => Promise.reject(new TypeError("'camera' is not a valid PermissionName")),
    });
    await flush();
    expect(permission.granted()).toBe(false);
  });

  it('may prompt where there is no Permissions API', () => {
    expect(watchMediaPermission(undefined).granted()).toBe(false);
  });

  it('after close, hears no change and says nothing is granted', async () => {
    const camera = new FakeStatus('granted');
    const microphone = new FakeStatus('granted');
    const permission = watchMediaPermission(permissions(camera, microphone));
    await flush();
    permission.close();
    expect(permission.granted()).toBe(false);
    expect(camera.listeners.size + microphone.listeners.size).toBe(0);
  });

  it('closed before the browser answered, keeps nothing', async () => {
    const permission = watchMediaPermission(
      permissions(new FakeStatus('granted'), new FakeStatus('granted')),
    );
    permission.close();
    await flush();
    expect(permission.granted()).toBe(false);
  });
});
