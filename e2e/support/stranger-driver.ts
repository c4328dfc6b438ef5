/**
 * What a test does with a stranger's page, in words any browser automation has: find an
 * element by role and accessible name (the QA contract), click it, fill it, read it, run a
 * script in the page. Two adapters: Playwright (Chromium) and puppeteer-core over WebDriver
 * BiDi (Firefox, which Playwright cannot drive without its own patched build). The QA contract
 * itself is written once, over this interface, in cross-engine.ts.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { ElementHandle, Page as PuppeteerPage } from 'puppeteer-core';
import type { Engine } from './engines';

/**
 * An element of the QA contract: a role with its accessible name (exact), or, for what an
 * engine's accessibility lookup does not find (Firefox and a `<video aria-label>`), its label.
 */
export type ContractElement =
  | {
      readonly role: 'button' | 'checkbox' | 'radio' | 'textbox' | 'dialog' | 'img';
      readonly name: string;
    }
  | { readonly role: 'status' | 'log' }
  | { readonly label: string };

export interface PictureFile {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

export interface StrangerDriver {
  readonly engine: Engine;
  /** The page's console messages and uncaught errors, for a failure report. */
  readonly consoleLines: readonly string[];
  goto(url: string): Promise<void>;
  /** Waits until the element can be clicked, then clicks it. */
  click(element: ContractElement): Promise<void>;
  setChecked(element: ContractElement, checked: boolean): Promise<void>;
  /** Replaces the text of a text box. */
  fill(element: ContractElement, text: string): Promise<void>;
  /** Picks `file` in a file input. */
  chooseFile(element: ContractElement, file: PictureFile, scratchDir: string): Promise<void>;
  /** The element's text; waits until there is one such element. */
  textOf(element: ContractElement): Promise<string>;
  /** Whether one such element is in the page and visible, now (no waiting). */
  isVisible(element: ContractElement): Promise<boolean>;
  /** Runs `script` in the page. Self-contained: only its source text reaches the page. */
  evaluate<R, A>(script: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Runs `script` on the element (waiting until there is one). Self-contained, as above. */
  evaluateOn<R, A>(
    element: ContractElement,
    script: (element: Element, arg: A) => R | Promise<R>,
    arg: A,
  ): Promise<R>;
  screenshot(): Promise<Buffer>;
  /** Closes the page and everything of this stranger's (cookies, storage): the tab closes. */
  close(): Promise<void>;
}

/**
 * `page.evaluate(script, arg)` for a script typed with its argument as the page sees it.
 * (Playwright types the argument as `Unboxed<A>`, which only differs from `A` for handles.)
 */
export function evaluateInPlaywright<R, A>(
  page: Page,
  script: (arg: A) => R | Promise<R>,
  arg: A,
): Promise<R> {
  return page.evaluate(script as (arg: unknown) => R | Promise<R>, arg);
}

/** Playwright, for Chromium: the locators the Chromium-only scenarios use. */
export class PlaywrightDriver implements StrangerDriver {
  readonly engine = 'chromium';
  readonly consoleLines: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (message) =>
      this.consoleLines.push(`[${message.type()}] ${message.text()}`),
    );
    page.on('pageerror', (error) => this.consoleLines.push(`[pageerror] ${error.message}`));
  }

  private locate(element: ContractElement): Locator {
    if ('label' in element) return this.page.getByLabel(element.label, { exact: true });
    if ('name' in element) {
      return this.page.getByRole(element.role, { name: element.name, exact: true });
    }
    return this.page.getByRole(element.role);
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async click(element: ContractElement): Promise<void> {
    await this.locate(element).click();
  }

  async setChecked(element: ContractElement, checked: boolean): Promise<void> {
    await this.locate(element).setChecked(checked);
  }

  async fill(element: ContractElement, text: string): Promise<void> {
    await this.locate(element).fill(text);
  }

  async chooseFile(element: ContractElement, file: PictureFile): Promise<void> {
    await this.locate(element).setInputFiles(file);
  }

  async textOf(element: ContractElement): Promise<string> {
    return (await this.locate(element).textContent()) ?? '';
  }

  async isVisible(element: ContractElement): Promise<boolean> {
    return this.locate(element).isVisible();
  }

  evaluate<R, A>(script: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    return evaluateInPlaywright(this.page, script, arg);
  }

  evaluateOn<R, A>(
    element: ContractElement,
    script: (element: Element, arg: A) => R | Promise<R>,
    arg: A,
  ): Promise<R> {
    return this.locate(element).evaluate(
      script as (element: Element, arg: unknown) => R | Promise<R>,
      arg,
    );
  }

  screenshot(): Promise<Buffer> {
    return this.page.screenshot();
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

/** `"` and `\` escaped for a quoted selector value. */
const quoted = (text: string): string => `"${text.replaceAll(/["\\]/gu, (c) => `\\${c}`)}"`;

/**
 * The element labelled `label` (by `aria-label`, `aria-labelledby` or a `<label>`), as
 * Playwright's getByLabel finds it. Runs in the page (self-contained).
 */
function elementLabelled(label: string): Element | null {
  const textOf = (element: Element | null): string => (element?.textContent ?? '').trim();
  for (const element of document.querySelectorAll('[aria-label]')) {
    if (element.getAttribute('aria-label') === label) return element;
  }
  for (const element of document.querySelectorAll('[aria-labelledby]')) {
    const ids = (element.getAttribute('aria-labelledby') ?? '').split(/\s+/u);
    if (ids.map((id) => textOf(document.getElementById(id))).join(' ') === label) return element;
  }
  for (const labelElement of document.querySelectorAll('label')) {
    if (textOf(labelElement) === label && labelElement.control !== null) {
      return labelElement.control;
    }
  }
  return null;
}

/**
 * puppeteer-core, for Firefox: its ARIA query (`::-p-aria(...)`, the accessibility tree over
 * WebDriver BiDi) for roles and names. Labels are looked up in the DOM: Firefox's accessibility
 * lookup finds neither a `<video aria-label>` nor the visually hidden file input by name.
 */
export class PuppeteerDriver implements StrangerDriver {
  readonly engine = 'firefox';
  readonly consoleLines: string[] = [];

  constructor(
    readonly page: PuppeteerPage,
    /** Closes what the page belongs to (its user context). */
    private readonly closeContext: () => Promise<void>,
  ) {
    page.on('console', (message) =>
      this.consoleLines.push(`[${message.type()}] ${message.text()}`),
    );
    page.on('pageerror', (error) =>
      this.consoleLines.push(
        `[pageerror] ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }

  /** The ARIA query of a role (and name); undefined for a label. */
  private ariaSelector(element: ContractElement): string | undefined {
    if ('label' in element) return undefined;
    // Firefox gives an <img> the role ARIA 1.3 calls `image` (`img` is its older synonym).
    const role = element.role === 'img' ? 'image' : element.role;
    if ('name' in element) return `::-p-aria([name=${quoted(element.name)}][role=${quoted(role)}])`;
    return `::-p-aria([role=${quoted(role)}])`;
  }

  /** Waits until the element is in the page. */
  private async handle(element: ContractElement): Promise<ElementHandle> {
    const selector = this.ariaSelector(element);
    if (selector !== undefined) return this.page.locator(selector).waitHandle();
    const label = (element as { label: string }).label;
    const found = await this.page.waitForFunction(elementLabelled, { polling: 100 }, label);
    const handle = found.asElement();
    if (handle === null) throw new Error(`"${label}" labels no element`);
    return handle as ElementHandle;
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async click(element: ContractElement): Promise<void> {
    const selector = this.ariaSelector(element);
    // The locator waits until the element is visible, enabled and still.
    if (selector !== undefined) await this.page.locator(selector).click();
    else await (await this.handle(element)).click();
  }

  async setChecked(element: ContractElement, checked: boolean): Promise<void> {
    const selector = this.ariaSelector(element);
    if (selector === undefined) throw new Error('setChecked finds its element by role');
    await this.page.locator(selector).fill(checked);
  }

  async fill(element: ContractElement, text: string): Promise<void> {
    const selector = this.ariaSelector(element);
    if (selector === undefined) throw new Error('fill finds its element by role');
    await this.page.locator(selector).fill(text);
  }

  async chooseFile(element: ContractElement, file: PictureFile, scratchDir: string): Promise<void> {
    // WebDriver BiDi hands the browser file paths, not bytes.
    const filePath = path.join(scratchDir, file.name);
    await writeFile(filePath, file.buffer);
    const input = (await this.handle(element)) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(filePath);
  }

  async textOf(element: ContractElement): Promise<string> {
    return this.evaluateOn(element, (found) => found.textContent ?? '', undefined);
  }

  async isVisible(element: ContractElement): Promise<boolean> {
    const selector = this.ariaSelector(element);
    const found =
      selector !== undefined
        ? await this.page.$(selector)
        : (
            await this.page.evaluateHandle(elementLabelled, (element as { label: string }).label)
          ).asElement();
    return found === null ? false : (found as ElementHandle).isVisible();
  }

  async evaluate<R, A>(script: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    // puppeteer types the argument as `FlattenHandle<A>`, which only differs from `A` for handles.
    return (await this.page.evaluate(script as (arg: unknown) => R | Promise<R>, arg)) as R;
  }

  async evaluateOn<R, A>(
    element: ContractElement,
    script: (element: Element, arg: A) => R | Promise<R>,
    arg: A,
  ): Promise<R> {
    const found = await this.handle(element);
    return (await found.evaluate(
      script as (element: Element, arg: unknown) => R | Promise<R>,
      arg,
    )) as R;
  }

  async screenshot(): Promise<Buffer> {
    return Buffer.from(await this.page.screenshot());
  }

  async close(): Promise<void> {
    await this.closeContext();
  }
}
