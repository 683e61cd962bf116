// cairn passport, passport --verify, attest --verify's store check and record-keeping through the
// built program's main() on the embedded default (a folder, no server).
import path from 'node:path';
import { passportSpecification } from './__tests__/passport-suite.js';

passportSpecification('the embedded store', { env: (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true });
