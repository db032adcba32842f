// Renders docs/config.md from the schema, so the reference can never describe options that do not exist.
import { FOREIGN_ENV, schema, type OptionSpec } from './schema.js';

/** What the tools around the server read from the environment (FOREIGN_ENV); unknown ones get a generic line. */
const FOREIGN_DOCS: Record<string, string> = {
  HERALD_CONFIG: 'Path of the JSON config file. Read by the server and by every `herald` command that reads the configuration.',
  HERALD_URL: 'Base URL of a running server, for `herald send`.',
  HERALD_DIR: 'Reserved for tools around the server; the server ignores it.',
};

/** Every option as the generator sees it: any spec with an env name, a default and a doc renders. */
export type SchemaLike = Record<string, OptionSpec<unknown>>;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function showDefault(value: unknown): string {
  if (value === '') return '(empty)';
  return `\`${JSON.stringify(value)}\``;
}

function showAccepts(spec: OptionSpec<unknown>): string {
  if (spec.parse.accepts) return spec.parse.accepts;
  // A parser without a description (added by a feature): say at least what type the default has.
  return Array.isArray(spec.default) ? 'list' : typeof spec.default;
}

/** The Markdown of docs/config.md for `options` (the real schema by default) and the extra environment variables. */
export function renderConfigReference(options: SchemaLike = schema as unknown as SchemaLike, foreignEnv: readonly string[] = FOREIGN_ENV): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const meaning = spec.secret ? `${spec.doc} **Secret**: masked by \`herald config print\`.` : spec.doc;
    return `| \`${name}\` | \`${spec.env}\` | ${cell(showDefault(spec.default))} | ${cell(showAccepts(spec))} | ${cell(meaning)} |`;
  });
  const foreign = foreignEnv.map((env) => `| \`${env}\` | ${cell(FOREIGN_DOCS[env] ?? 'Read by tools around the server (CLI, tests); the server ignores it.')} |`);
  return `# Configuration

<!-- Generated from packages/server/src/config/schema.ts by \`npm run docs:config\`. Edit the schema, not this file:
     a test fails when the two disagree. -->

Herald takes each setting from the first of these that sets it:

1. \`herald start\` flags (\`--port\`, \`--host\`, \`--data-dir\`);
2. the environment variable named below;
3. the JSON config file named by \`HERALD_CONFIG\` (keys are the option names below, plus \`apps\`);
4. the default.

An unknown key in the config file, an unknown \`HERALD_*\` environment variable or an invalid value is
a start-up error naming the setting. \`herald config check\` validates the configuration without
starting; \`herald config print\` prints the effective configuration with secrets masked.

## Options

| option | environment variable | default | valid values | meaning |
|---|---|---|---|---|
${rows.join('\n')}

## Apps

Apps are defined in the config file as \`"apps": [{"id", "key", "secret", "name"?}]\` (ids and keys:
letters, digits, \`_ . -\`), or one app through \`HERALD_APP_ID\`, \`HERALD_APP_KEY\` and
\`HERALD_APP_SECRET\`. Configured apps are written to storage at every start (the configuration wins
over \`herald apps rotate-secret\` for them). With no app anywhere, the first start creates a development
app \`dev\` and prints its credentials. \`herald apps\` lists, creates and rotates apps kept in storage.

\`\`\`json
{
  "port": 7700,
  "dataDir": "/var/lib/herald",
  "apps": [{ "id": "shop", "key": "shop-key", "secret": "a long random secret", "name": "Shop" }]
}
\`\`\`

## Other environment variables

| variable | meaning |
|---|---|
${foreign.join('\n')}
`;
}
