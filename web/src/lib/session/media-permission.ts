/**
 * Whether this site may already use the camera and the microphone without asking: the
 * browser's Permissions API says both are "granted" (the person allowed them on an earlier
 * visit and the browser remembered, or a browser set to allow). Then asking for them shows no
 * prompt, and the page need not show the room while the camera starts (session-controller.ts).
 *
 * Read once when the session is made, then kept up to date through the permissions' `change`
 * events (the person may revoke them in the browser's settings while the tab is open). Anything
 * not known for sure counts as "may ask": no Permissions API, a browser that cannot be asked
 * about the camera (older Firefox and Safari reject the query), an answer not yet arrived, and
 * "prompt" or "denied".
 */

/** The part of `navigator.permissions` this module reads. */
export interface PermissionsPort {
  query(descriptor: { name: 'camera' | 'microphone' }): Promise<PermissionStatusPort>;
}

/** The part of a `PermissionStatus` this module reads. */
export interface PermissionStatusPort {
  readonly state: PermissionState;
  addEventListener(type: 'change', listener: () => void): void;
  removeEventListener(type: 'change', listener: () => void): void;
}

export interface MediaPermission {
  /** Both the camera and the microphone are granted, as far as is known right now. */
  granted(): boolean;
  /** Stops listening for changes. */
  close(): void;
}

export function watchMediaPermission(permissions: PermissionsPort | undefined): MediaPermission {
  const statuses: PermissionStatusPort[] = [];
  let granted = false;
  let closed = false;
  const update = (): void => {
    granted = statuses.length > 0 && statuses.every((status) => status.state === 'granted');
  };
  if (permissions !== undefined) {
    Promise.all([permissions.query({ name: 'camera' }), permissions.query({ name: 'microphone' })])
      .then((both) => {
        if (closed) return;
        statuses.push(...both);
        for (const status of statuses) status.addEventListener('change', update);
        update();
      })
      .catch(() => {
        // Not supported here: every request may show a prompt, as if never asked.
      });
  }
  return {
    granted: () => granted,
    close: () => {
      closed = true;
      for (const status of statuses) status.removeEventListener('change', update);
      statuses.length = 0;
      granted = false;
    },
  };
}
