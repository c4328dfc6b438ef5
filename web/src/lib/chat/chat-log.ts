/**
 * The messages of one chat, both ways: ours sent on the stranger's connection and theirs taken
 * from it, shown in order, at most CHAT_HISTORY entries. It drops a flood from the stranger,
 * says once that something of theirs was refused, sends one picture of ours at a time, and owns
 * the object URL of every picture, freeing it when its entry goes.
 */
import type { Messages } from '../i18n/messages';
import type { Clock } from '../clock';
import type { ChatConnection, OutgoingImage } from './chat-connection';
import type { ImageType } from './data-protocol';
import type { AssemblyEvent } from './image-transfer';

interface EntryBase {
  id: number;
  from: 'me' | 'stranger' | 'system';
  /** Display name of the author. */
  name: string;
}
export type ChatEntry =
  | (EntryBase & { kind: 'text'; text: string })
  | (EntryBase & {
      kind: 'image';
      /** Object URL once the image is complete. */
      url: string | undefined;
      /** 0 to 1. */
      progress: number;
      failed: boolean;
    });

export interface ObjectUrls {
  create(blob: Blob): string;
  revoke(url: string): void;
}

/** What the page shows of the log. */
export interface ChatState {
  readonly chat: readonly ChatEntry[];
  /** One of our pictures is being re-encoded or sent; the next waits for it. */
  readonly sendingImage: boolean;
}

export const NO_CHAT: ChatState = { chat: [], sendingImage: false };

/** The log's own lines, in the page's language (the catalogue's `chat` messages). */
export type ChatWords = Messages['chat'];

export interface ChatLogDeps {
  objectUrls: ObjectUrls;
  /** Read when a line is added, so a language switched mid-chat applies to the next line. */
  words: () => ChatWords;
  clock: Pick<Clock, 'now'>;
  onChange(state: ChatState): void;
}

/** Entries kept in the chat log; older ones (and their images) are dropped. */
export const CHAT_HISTORY = 300;
/** Stranger's messages per second shown before the rest are dropped. */
const STRANGER_MESSAGES_PER_SECOND = 5;

type ImagePatch = Partial<{ url: string; progress: number; failed: boolean }>;

export class ChatLog {
  readonly #deps: ChatLogDeps;
  #entries: readonly ChatEntry[] = [];
  #sendingImage = false;
  #nextEntryId = 1;
  /** The stranger's pictures still arriving: transfer id to entry id. */
  readonly #incomingImages = new Map<string, number>();
  #strangerWindow = { start: 0, count: 0, warned: false };
  #rejectedWarned = false;

  constructor(deps: ChatLogDeps) {
    this.#deps = deps;
  }

  get entries(): readonly ChatEntry[] {
    return this.#entries;
  }

  get sendingImage(): boolean {
    return this.#sendingImage;
  }

  /** Shows what a new stranger's connection delivers, under their name. */
  follow(connection: ChatConnection, strangerName: string): void {
    connection.on('text', (text) => this.strangerText(strangerName, text));
    connection.on('image', (event) => this.strangerImage(event, strangerName));
    connection.on('refused', (reason) => this.refused(reason));
  }

  /** Sends our text message and shows it under `name`; false when it could not be sent. */
  sendText(connection: ChatConnection, name: string, raw: string): boolean {
    const text = raw.trim();
    if (!connection.sendText(text)) return false;
    this.addOwnText(name, text);
    return true;
  }

  /**
   * Sends our picture once re-encoded, showing it with its progress, or why it was not sent.
   * One at a time: the caller checks `sendingImage` before it starts re-encoding another.
   */
  async sendImage(
    connection: ChatConnection,
    name: string,
    picture: Promise<OutgoingImage>,
  ): Promise<void> {
    this.#setSending(true);
    let entryId = 0;
    const result = await connection.sendImage(picture, {
      started: ({ bytes, mime }) => (entryId = this.addOwnImage(name, bytes, mime)),
      progress: (fraction) => this.setProgress(entryId, fraction),
    });
    if (result === 'failed') this.markFailed(entryId);
    if (result === 'unreadable') this.systemLine('unreadablePicture');
    if (result === 'too-large') {
      this.systemLine('pictureTooLarge');
    }
    this.#setSending(false);
  }

  addOwnText(name: string, text: string): void {
    this.#append({ kind: 'text', from: 'me', name, text });
  }

  /** Shows a picture we are sending; returns its entry, for `setProgress` and `markFailed`. */
  addOwnImage(name: string, bytes: Uint8Array<ArrayBuffer>, mime: ImageType): number {
    const url = this.#deps.objectUrls.create(new Blob([bytes], { type: mime }));
    return this.#append({ kind: 'image', from: 'me', name, url, progress: 0, failed: false });
  }

  setProgress(entryId: number, progress: number): void {
    this.#patchImage(entryId, { progress });
  }

  markFailed(entryId: number): void {
    this.#patchImage(entryId, { failed: true });
  }

  /** A line from Mayfly itself. */
  /** The log's words in the page's language now (the names of who said what among them). */
  words(): ChatWords {
    return this.#deps.words();
  }

  /** One of the log's own lines, in the page's language. */
  systemLine(key: Exclude<keyof ChatWords, 'you' | 'stranger'>): void {
    this.system(this.#deps.words()[key]);
  }

  system(text: string): void {
    this.#append({ kind: 'text', from: 'system', name: 'Mayfly', text });
  }

  /** A text message from the stranger, shown under `name` unless they send too many. */
  strangerText(name: string, text: string): void {
    if (this.#admitStrangerMessage()) this.#append({ kind: 'text', from: 'stranger', name, text });
  }

  /** A picture from the stranger on its way in, shown under `name`. */
  strangerImage(event: AssemblyEvent, name: string): void {
    switch (event.kind) {
      case 'started': {
        const entryId = this.#append({
          kind: 'image',
          from: 'stranger',
          name,
          url: undefined,
          progress: 0,
          failed: false,
        });
        this.#incomingImages.set(event.id, entryId);
        break;
      }
      case 'progress': {
        const entryId = this.#incomingImages.get(event.id);
        if (entryId !== undefined) this.setProgress(entryId, event.received / event.size);
        break;
      }
      case 'complete': {
        const entryId = this.#incomingImages.get(event.id);
        this.#incomingImages.delete(event.id);
        if (entryId === undefined) break;
        const url = this.#deps.objectUrls.create(new Blob([event.bytes], { type: event.mime }));
        this.#patchImage(entryId, { url, progress: 1 });
        break;
      }
      case 'rejected': {
        const entryId = event.id === undefined ? undefined : this.#incomingImages.get(event.id);
        if (entryId !== undefined) {
          this.#incomingImages.delete(event.id ?? '');
          this.markFailed(entryId);
        }
        this.refused(event.reason);
        break;
      }
    }
  }

  /** Something the stranger sent was dropped: the log says so once per chat. */
  refused(reason: string): void {
    console.warn('mayfly: ignored a data channel message from the stranger:', reason);
    if (this.#rejectedWarned) return;
    this.#rejectedWarned = true;
    this.systemLine(
      reason === 'image-too-large' || reason === 'too-many-images'
        ? 'strangerPictureRefused'
        : 'strangerNotUnderstood',
    );
  }

  /** Empties the log for the next stranger and frees every picture held in memory. */
  clear(): void {
    for (const entry of this.#entries) this.#revoke(entry);
    this.#incomingImages.clear();
    this.#strangerWindow = { start: 0, count: 0, warned: false };
    this.#rejectedWarned = false;
    this.#set([]);
  }

  /** Drops a flood of messages instead of letting it take over the log and screen readers. */
  #admitStrangerMessage(): boolean {
    const now = this.#deps.clock.now();
    const window = this.#strangerWindow;
    if (now - window.start >= 1000) {
      window.start = now;
      window.count = 0;
    }
    window.count++;
    if (window.count <= STRANGER_MESSAGES_PER_SECOND) return true;
    if (!window.warned) {
      window.warned = true;
      this.systemLine('strangerTooFast');
    }
    return false;
  }

  #append(entry: DistributiveOmit<ChatEntry, 'id'>): number {
    const id = this.#nextEntryId++;
    const entries = [...this.#entries, { ...entry, id }];
    const overflow = entries.length - CHAT_HISTORY;
    for (const dropped of entries.slice(0, Math.max(overflow, 0))) this.#revoke(dropped);
    this.#set(overflow > 0 ? entries.slice(overflow) : entries);
    return id;
  }

  #patchImage(entryId: number, patch: ImagePatch): void {
    this.#set(
      this.#entries.map((entry) =>
        entry.id === entryId && entry.kind === 'image' ? { ...entry, ...patch } : entry,
      ),
    );
  }

  #revoke(entry: ChatEntry): void {
    if (entry.kind === 'image' && entry.url !== undefined) this.#deps.objectUrls.revoke(entry.url);
  }

  #set(entries: readonly ChatEntry[]): void {
    this.#entries = entries;
    this.#deps.onChange({ chat: entries, sendingImage: this.#sendingImage });
  }

  #setSending(sendingImage: boolean): void {
    this.#sendingImage = sendingImage;
    this.#set(this.#entries);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
