import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_VARIABLES,
  OPTIONS,
  renderHelp,
  renderOptionsTable,
} from '../src/config-options.js';

const README = path.resolve(import.meta.dirname, '../../README.md');

/** The cells of each row of a Markdown table, header and separator left out. */
function tableCells(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.trimStart().startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/gu, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
}

function readmeConfigurationTable(): string {
  const readme = readFileSync(README, 'utf8');
  const section = /^## Configuration\n([\s\S]*?)^## /mu.exec(readme)?.[1];
  if (section === undefined) throw new Error('README.md has no "## Configuration" section');
  return section;
}

describe('configuration docs', () => {
  it("README's configuration table is the declaration, row for row", () => {
    const expected = renderOptionsTable();
    // On failure the message holds the table to paste (then run `npm run format`).
    expect(tableCells(readmeConfigurationTable()), `expected table:\n${expected}`).toEqual(
      tableCells(expected),
    );
  });

  it('--help lists every option with its flag, variable and default', () => {
    const help = renderHelp('mayfly');
    for (const variable of CONFIG_VARIABLES) {
      expect(help).toContain(
        `env ${variable}, default ${OPTIONS[variable].shownDefault.replaceAll('`', '')}`,
      );
      expect(help).toContain(`--${variable.toLowerCase().replaceAll('_', '-')} `);
    }
  });

  it('documents every option with a meaning and a default', () => {
    for (const variable of CONFIG_VARIABLES) {
      expect(OPTIONS[variable].doc.length, variable).toBeGreaterThan(5);
      expect(OPTIONS[variable].shownDefault, variable).not.toBe('');
      // A `|` would split the Markdown table cell.
      expect(OPTIONS[variable].doc, variable).not.toContain('|');
    }
  });
});
