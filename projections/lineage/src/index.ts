export { lineageProjection } from './projection.js';
export { lineageFacts, type LineageFacts, type StateChange } from './facts.js';
export {
  LINEAGE_NODES_TABLE,
  LINEAGE_NODE_STATES_TABLE,
  LINEAGE_EDGES_TABLE,
  LINEAGE_CONTRIBUTED_BY_VIEW,
  DATASETS_LINEAGE_EDGES_TABLE,
  createDatasetsLineageEdgesView,
  DATASETS_LINEAGE_NODES_TABLE,
  EDGE_TYPES,
  NODE_KINDS,
  NODE_STATES,
  createLineageEdgesTable,
  createLineageNodesTable,
  insertLineageEdges,
  insertLineageNodes,
  type EdgeType,
  type NodeKind,
  type NodeState,
  type LineageEdge,
  type LineageNode,
  type LineageDatabase,
  type LineageEdgesTable,
  type LineageNodesTable,
  type LineageNodeStatesTable,
  type LineageEdgesTableName,
  type LineageNodesTableName,
} from './tables.js';
export { history, type CfHistory, type HistoryStep } from './history.js';
export { trace, type TraceOptions, type TraceDirection, type TraceNode, type LineageTrace } from './trace.js';
export { renderLineage, lineageToDot, lineageToMermaid, lineageToSvg, type LineageFormat } from './render.js';
export type { NodeView } from './graph-reads.js';
export type { LineageError } from './errors.js';
export { nodeCountsByKind, nodeLabels, erasedNodeCount, contributorsByName, type ContributorMatch } from './node-reads.js';
