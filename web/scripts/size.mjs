// Prints the chat page's first-load JavaScript, gzipped: the SvelteKit entry and the router it
// imports at start-up, the root layout and the page node, with every chunk they import statically
// (from Vite's build manifest). Chunks the app loads later with import() — the chat room and the
// WebRTC code, fetched when Start is pressed — are listed apart.
// The page's messages are one chunk per locale (src/lib/i18n/locales/<tag>.ts), fetched by the root
// layout's load before the page renders: the active locale's chunk is part of the first load, so
// the total is given per locale, and every locale must be under the budget (issue #22).
// --locale <tag> checks that locale alone.
// Exits non-zero when the first load is not under the budget of issue #12 (60 KB gzipped).
// With --json, prints only {"firstLoadGzipBytes" (the largest locale's), "laterGzipBytes",
// "budgetBytes", "byLocale"} (for the bench).
// Builds the client first when the build is missing or older than the sources.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 60 * 1024;
const ROUTE = '/';
const json = process.argv.includes('--json');
const localeArgument = process.argv.indexOf('--locale');
const onlyLocale = localeArgument === -1 ? undefined : process.argv[localeArgument + 1];
// The human-readable lines; with --json only the JSON goes to stdout.
const print = json ? () => {} : (line) => console.log(line);

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(web, '.svelte-kit/output/client');
const manifestPath = path.join(output, '.vite/manifest.json');
const generated = '.svelte-kit/generated/build/client-optimized';
const appPath = path.join(web, generated, 'app.js');

function newestSource(entry) {
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newestSource(path.join(entry, name))));
}

const sources = ['src', 'dev', 'vite.config.ts', 'package.json'].map((name) =>
  newestSource(path.join(web, name)),
);
if (!existsSync(manifestPath) || statSync(manifestPath).mtimeMs < Math.max(...sources)) {
  console.error('Building the client first…');
  execFileSync('npm', ['run', 'build'], { cwd: web, stdio: ['ignore', 'ignore', 'inherit'] });
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const dictionary = readFileSync(appPath, 'utf8').match(/"\/":\s*\[([^\]]*)\]/);
if (dictionary === null) throw new Error(`route ${ROUTE} not found in ${appPath}`);
const routeNodes = dictionary[1]
  .split(',')
  .map((n) => n.trim().replace(/^~/, ''))
  .filter((n) => /^\d+$/.test(n));
const nodeKeys = ['0', ...routeNodes].map((n) => `${generated}/nodes/${n}.js`);
const entryKeys = Object.keys(manifest).filter(
  (key) => manifest[key].isEntry === true && !key.includes('/nodes/'),
);

const firstLoad = new Set();
const lazy = new Set();
/** Adds the chunk and what it imports statically; returns the manifest keys it reached. */
function visit(key, into, reached = new Set()) {
  const chunk = manifest[key];
  if (chunk === undefined) throw new Error(`${key} missing from the manifest`);
  if (reached.has(key)) return reached;
  reached.add(key);
  into.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported, into, reached);
  return reached;
}
const appKeys = new Set();
for (const key of nodeKeys) visit(key, firstLoad, appKeys);
for (const key of entryKeys) visit(key, firstLoad);
// SvelteKit's own entry loads its router with import() as soon as the page starts.
for (const key of entryKeys.filter((entry) => entry.includes('/@sveltejs/kit/src/runtime/'))) {
  for (const dynamic of manifest[key].dynamicImports ?? []) visit(dynamic, firstLoad);
}
// What the page's own code loads with import(), and what that loads in turn.
const pending = [...appKeys];
const seen = new Set(appKeys);
while (pending.length > 0) {
  for (const dynamic of manifest[pending.pop()].dynamicImports ?? []) {
    for (const key of visit(dynamic, lazy)) {
      if (!seen.has(key)) pending.push(key);
      seen.add(key);
    }
  }
}
// The messages: one chunk per locale (and what it imports, e.g. English for the pseudo-locale).
const LOCALE_KEY = /^src\/lib\/i18n\/locales\/([^/]+)\.ts$/u;
const localeFiles = new Map();
for (const key of Object.keys(manifest).sort()) {
  const tag = LOCALE_KEY.exec(key)?.[1];
  if (tag === undefined || (onlyLocale !== undefined && tag !== onlyLocale)) continue;
  const files = new Set();
  visit(key, files);
  localeFiles.set(tag, files);
}
if (localeFiles.size === 0) {
  throw new Error(onlyLocale === undefined ? 'no locale chunk found' : `no locale ${onlyLocale}`);
}
for (const file of firstLoad) lazy.delete(file);
for (const files of localeFiles.values()) for (const file of files) lazy.delete(file);

const sizeOf = (file) => {
  const bytes = readFileSync(path.join(output, file));
  return { raw: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength };
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function table(files) {
  let total = 0;
  for (const file of [...files].sort()) {
    const { raw, gzip } = sizeOf(file);
    total += gzip;
    print(`  ${kb(gzip).padStart(9)} gz  ${kb(raw).padStart(9)} raw  ${file}`);
  }
  return total;
}

print(`First-load JavaScript of the chat page (${ROUTE}), without its messages:`);
const base = table(firstLoad);
print(`  ${kb(base).padStart(9)} gz  total`);
print(`\nWith the messages of each locale (budget ${kb(BUDGET_BYTES)}):`);
const byLocale = {};
for (const [tag, files] of localeFiles) {
  const own = [...files].filter((file) => !firstLoad.has(file));
  const total = base + own.reduce((sum, file) => sum + sizeOf(file).gzip, 0);
  byLocale[tag] = total;
  print(
    `  ${kb(total).padStart(9)} gz  ${tag.padEnd(6)} ${total < BUDGET_BYTES ? 'OK' : 'OVER'}  (+ ${own.join(', ')})`,
  );
}
const total = Math.max(...Object.values(byLocale));
const withinBudget = total < BUDGET_BYTES;
let later = 0;
if (lazy.size > 0) {
  print('\nLoaded later (import(), from Start on):');
  later = table(lazy);
  print(`  ${kb(later).padStart(9)} gz  total`);
}
if (json) {
  console.log(
    JSON.stringify({
      firstLoadGzipBytes: total,
      laterGzipBytes: later,
      budgetBytes: BUDGET_BYTES,
      byLocale,
    }),
  );
}
if (!withinBudget) {
  const over = Object.keys(byLocale).filter((tag) => byLocale[tag] >= BUDGET_BYTES);
  console.error(
    `\nFirst-load JavaScript of ${ROUTE} is up to ${kb(total)} gzipped (${over.join(', ')}), over the ${kb(BUDGET_BYTES)} budget.`,
  );
  process.exitCode = 1;
}
