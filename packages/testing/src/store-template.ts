// A store made once per test run and copied for each test that needs it. Making an embedded store
// runs initdb for each of its databases, which costs several times what opening a copy does, and
// on a loaded machine is what pushed whole suites past their time limits. A copy is the caller's
// own: nothing a test writes is seen by another.
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The folder the Jest global setup (scripts/jest-global-setup.cjs) makes for the run's templates. */
export const TEMPLATES_ENV = 'CAIRN_TEST_TEMPLATES';

/** Per template name, in this module's registry (one test file): the build under way or done. */
const made = new Map<string, Promise<string>>();

const KEEP = 'template.json';
const STORE = 'store';

/**
 * Puts at `into` (a folder that must not exist yet) a copy of the store `build` makes in the folder
 * it is given, and answers what `build` answered, through JSON. `build` must close its store and be
 * deterministic in everything but fresh keys: the first caller in a run builds, the others copy.
 * Without the run's template folder (a spec run outside the repository's Jest config), it builds at
 * `into` directly.
 */
export async function storeFromTemplate<T>(name: string, into: string, build: (store: string) => Promise<T>): Promise<T> {
  const dir = await templateOf(name, build);
  if (dir === undefined) return JSON.parse(JSON.stringify(await build(into))) as T;
  await cp(path.join(dir, STORE), into, { recursive: true, errorOnExist: true, force: false });
  return JSON.parse(await readFile(path.join(dir, KEEP), 'utf8')) as T;
}

/**
 * Builds the template now unless it is built: for a `beforeAll` with a time limit of its own, so
 * that the first test to copy it is not charged with the build.
 */
export async function buildStoreTemplate(name: string, build: (store: string) => Promise<unknown>): Promise<void> {
  await templateOf(name, build);
}

/** The template's folder (built if need be), or undefined when the run has no template folder. */
function templateOf(name: string, build: (store: string) => Promise<unknown>): Promise<string | undefined> {
  const root = process.env[TEMPLATES_ENV];
  if (root === undefined || root === '') return Promise.resolve(undefined);
  if (!/^[a-z0-9-]+$/.test(name))
    throw new Error(`storeFromTemplate: name must be lowercase words joined by '-', got ${JSON.stringify(name)}`);
  let template = made.get(name);
  if (template === undefined) {
    template = ready(path.join(root, name), build);
    made.set(name, template);
    template.catch(() => made.delete(name));
  }
  return template;
}

/** The template's folder, built now unless an earlier file of the run built it. */
async function ready<T>(dir: string, build: (store: string) => Promise<T>): Promise<string> {
  try {
    await readFile(path.join(dir, KEEP));
    return dir;
  } catch {
    // Not built yet: build aside, then rename into place, so a reader never sees half a template
    // (a file in another worker may be building the same one; the first rename wins).
  }
  const aside = `${dir}.${process.pid}.${Date.now()}`;
  await mkdir(aside, { recursive: true });
  try {
    const kept = await build(path.join(aside, STORE));
    await writeFile(path.join(aside, KEEP), JSON.stringify(kept ?? null));
    await rename(aside, dir).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    });
    return dir;
  } finally {
    await rm(aside, { recursive: true, force: true });
  }
}
