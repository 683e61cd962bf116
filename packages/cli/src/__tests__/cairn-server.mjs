// Child process for cairnHere (cli-run.ts): loads the built program once, then runs each command
// it is sent through the same main() bin.js calls, with that command's cwd, environment and argv,
// and answers its exit code, stdout and stderr. Commands run one at a time, as a user types them.
// A plain Node process, not the test's: Jest's module sandbox is another realm, where objects
// made by Node itself fail the plain-JSON checks of the schemas.
import { main } from '../../dist/index.js';

const BIN = new URL('../../dist/bin.js', import.meta.url).pathname;
const base = { ...process.env };
let queue = Promise.resolve();

function capture(stream, chunks) {
  const original = stream.write;
  stream.write = (chunk, ...rest) => {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof rest[0] === 'string' ? rest[0] : 'utf8') : Buffer.from(chunk));
    const done = rest.find((r) => typeof r === 'function');
    if (done !== undefined) queueMicrotask(done);
    return true;
  };
  return () => {
    stream.write = original;
  };
}

async function run({ id, cwd, env, args }) {
  const out = [];
  const err = [];
  process.chdir(cwd);
  process.env = { ...base, ...env };
  process.argv = [process.execPath, BIN, ...args];
  const restoreOut = capture(process.stdout, out);
  const restoreErr = capture(process.stderr, err);
  let code;
  try {
    code = await main(process.argv);
  } catch (error) {
    // main() answers every failure as an exit code; reaching here is a bug in the program.
    err.push(Buffer.from(`cairn-server: main threw: ${error instanceof Error ? error.stack : String(error)}\n`));
    code = -1;
  } finally {
    restoreOut();
    restoreErr();
  }
  process.send({ id, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
}

process.on('message', (message) => {
  queue = queue.then(() => run(message));
});
// The test process went away: nothing more will be asked.
process.on('disconnect', () => process.exit(0));
