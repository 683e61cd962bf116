// The curator's loop (rebuilds, members, show CF, import ids) through the built program's main() on the embedded store.
import path from 'node:path';
import { curatorBuildSpecification } from './__tests__/curator-build-suite.js';

curatorBuildSpecification('the embedded store', { env: (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true });
