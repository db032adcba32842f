// Writes docs/config.md from the configuration schema (run through `npm run docs:config`, which builds first).
import { writeFileSync } from 'node:fs';
import { renderConfigReference } from '../packages/server/dist/config/reference.js';

writeFileSync(new URL('../docs/config.md', import.meta.url), renderConfigReference());
console.log('wrote docs/config.md');
