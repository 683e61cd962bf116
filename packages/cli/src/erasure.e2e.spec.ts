// Erasure end to end on the embedded store, through the built program's main() (__tests__/erasure-suite.ts).
import path from 'node:path';
import { erasureSpecification } from './__tests__/erasure-suite.js';

erasureSpecification('the embedded store', { env: (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true });
