// import, replay, runs, attribution, licenses, card, export, attest and report through the real
// binary on the embedded default (a folder, no server).
import path from 'node:path';
import { cliPublishSpecification } from './__tests__/cli-publish-suite.js';

cliPublishSpecification('the embedded store', { env: (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true });
