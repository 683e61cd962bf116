// `cairn amend` through the built program's main() on the embedded default (a folder, no server).
import path from 'node:path';
import { amendSpecification } from './__tests__/amend-suite.js';

amendSpecification('the embedded store', { env: (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true });
