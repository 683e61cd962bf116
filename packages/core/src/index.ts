export {
  parseSpdxExpression,
  isSpdxExpression,
  spdxLicenseIds,
  spdxSatisfiedBy,
  type SpdxNode,
  type SpdxError,
} from './spdx.js';
export { canonicalize, canonicalBytes, type CanonicalJsonError, type JsonValue } from './canonical-json.js';
