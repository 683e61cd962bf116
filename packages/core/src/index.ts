export {
  parseSpdxExpression,
  isSpdxExpression,
  spdxLicenseIds,
  spdxSatisfiedBy,
  type SpdxNode,
  type SpdxError,
} from './spdx.js';
