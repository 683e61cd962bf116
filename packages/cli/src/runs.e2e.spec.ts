// runs list / show / diff, reproduce-check and unlearning through the built program's main() on the embedded
// default (a folder, no server).
import path from 'node:path';
import { runsSpecification } from './__tests__/runs-suite.js';

runsSpecification('the embedded store', { env: (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true });
