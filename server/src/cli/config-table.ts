/**
 * Prints the README's configuration table from the declaration, for pasting
 * after an option changed (then `npm run format`).
 *
 *   npm run config-table
 */
import { renderOptionsTable } from '../config-options.js';

process.stdout.write(`${renderOptionsTable()}\n`);
