export { matmulTransposed, matmul, gram, cholesky, choleskySolveRows } from './linalg.js';
export { sketch, sketchTable, mix32, entryHash } from './sketch.js';
export { topK, scoreTopK, rankBefore } from './ranking.js';
export { squaredDistance, squaredDistances, nearestOrder, knnShapleyForTest, knnShapley } from './knn.js';
