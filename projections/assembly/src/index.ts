export type { CfKind, CfFact, DeprecationFact, AssetFact, ErasureFact, AssemblyFacts } from './facts.js';
export {
  DEFAULT_RULES,
  RULE_ORDER,
  INCLUDED,
  ruleCode,
  rulesFromManifest,
  type AssemblyRules,
  type ApprovalsOn,
  type RuleName,
} from './rules.js';
export { indexFacts, type AssemblyIndex } from './index-facts.js';
export { LiveIndex } from './live-index.js';
export { assembleVersion, datasetVersionId, type AssembledVersion } from './assemble.js';
export { explain, explainIndex, plainDecisionKey, type Decision, type DecisionEvidence, type EventRef, type VoteRef } from './explain.js';
export { packIds, hexOf, writeHex32 } from './hex.js';
export { contentIdOf } from './content-id.js';
