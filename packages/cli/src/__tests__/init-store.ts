// `cairn init` for a spec's given, on an embedded store, as a copy of one store `cairn init` made
// for the whole test run (@cairn/testing storeFromTemplate): making an embedded store runs initdb
// for each of its databases, which costs seconds of CPU per fixture, where a copy costs a fraction
// of one. The copy is the store init makes, its ledger key included: every copy in a run has the
// same ledger key, so a spec about init itself, or one that needs two ledgers with distinct keys,
// runs `cairn init` instead. A Postgres store (a URL) is always made by `cairn init`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { storeFromTemplate } from '@cairn/testing';
import { cairnJson } from './cli-run.js';

const TEMPLATE = 'cli-init';

const isUrl = (store: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(store);

/**
 * Puts the store `env` names (CAIRN_STORE, or ./.cairn, relative to `cwd` as the CLI takes it) as
 * `cairn init` leaves it. `init` runs the command where a copy cannot stand in (a Postgres store);
 * by default the built binary with --json.
 */
export async function initStore(
  cwd: string,
  env: NodeJS.ProcessEnv,
  init: (cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) => Promise<unknown> = cairnJson,
): Promise<void> {
  // As the CLI finds its store: CAIRN_STORE (the spec's, else the process's), else ./.cairn.
  const store = env.CAIRN_STORE ?? process.env.CAIRN_STORE ?? '.cairn';
  if (store === '' || isUrl(store)) {
    await init(cwd, env, 'init');
    return;
  }
  await storeFromTemplate(TEMPLATE, path.resolve(cwd, store), async (into) => {
    // Made from nothing but the store's folder, so that no spec's environment shapes the template.
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'cairn-init-template-'));
    try {
      await cairnJson(scratch, { CAIRN_STORE: into }, 'init');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
}
