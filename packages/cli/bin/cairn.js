#!/usr/bin/env node
// The `cairn` command npm links at install time. It exists before any build (dist/ does not), so
// the link is made on a fresh clone; it hands over to the built CLI, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write(
    `cairn: the CLI is not built yet (${fileURLToPath(built)} is missing): run \`npm run build\` at the repository root\n`,
  );
  process.exit(5);
}
await import(built.href);
