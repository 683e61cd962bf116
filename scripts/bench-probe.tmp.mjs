import { realDataLds } from '/work/wt/attribution/scripts/dist/bench/groups/attribution-lds/real-data.js';
import { closeAttributionKernel } from '@cairn/projections';
for (const head of ['logistic', 'ridge']) {
  const t = performance.now();
  const r = await realDataLds({ head, trainRows: 450, queryRows: 100, subsets: 200, l2: 1, seed: 7 });
  console.log(head, JSON.stringify(r), ((performance.now() - t) / 1000).toFixed(1) + 's');
}
await closeAttributionKernel();
