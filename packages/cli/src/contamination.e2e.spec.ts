// cairn contamination through the built program's main() on the embedded store (a folder).
import path from 'node:path';
import { contaminationSpecification } from './__tests__/contamination-suite.js';

contaminationSpecification('the embedded store', { env: (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true });
