export { parseSpdxExpression, isSpdxExpression, spdxLicenseIds, spdxSatisfiedBy, type SpdxNode, type SpdxError } from './spdx.js';
export { CanonicalJson, canonicalize, canonicalBytes, type CanonicalJsonError, type JsonValue } from './canonical-json.js';
export { parseStrictJson, parseStrictJsonBytes } from './strict-json-parser.js';
export { toHex, fromHex, isHexOfLength, type HexError } from './hex.js';
export { sha256, sha256Portable, sha256Hex, isSha256Hex, type Sha256Hex } from './sha256.js';
export {
  signingBytes,
  signingBytesOfPayloadText,
  eventCanonicalForms,
  eventIdOf,
  contributorIdOf,
  contentIdOf,
  type EventCanonicalForms,
  type IdError,
  type InvalidIdInput,
  type SignedEnvelopeFields,
  type SealedEnvelopeFields,
} from './ids.js';
export { generateSigningKey, publicKeyOf, publicKeyRefusal, sign, verify } from './ed25519.js';
export { fastVerifierBackend, verifyFast } from './ed25519-fast.js';
export {
  HASH_SIZE,
  EMPTY_TREE_ROOT,
  merkleLeafHash,
  merkleNodeHash,
  merkleRoot,
  merkleRootOfLeafHashes,
  packLeafHashes,
  packedLeafHashesOf,
  leafHashesOfPacked32,
  buildMerkleTree,
  nodeAt,
  type MerkleTree,
} from './merkle.js';
export {
  inclusionProof,
  inclusionProofFromTree,
  consistencyProof,
  consistencyProofFromTree,
  verifyInclusion,
  verifyConsistency,
  type InclusionClaim,
  type ConsistencyClaim,
  type MerkleProofError,
} from './merkle-proofs.js';
export { EMPTY_FRONTIER, extendMerkleFrontier, merkleFrontierOf, merkleFrontierRoot, type MerkleFrontier } from './merkle-frontier.js';
export { inclusionProofFor, decodeInclusionProof, verifyInclusionProof, type InclusionProof } from './inclusion-proof.js';
export { pae, signEnvelope, verifyEnvelope, type DsseEnvelope } from './dsse.js';
export {
  IN_TOTO_PAYLOAD_TYPE,
  STATEMENT_TYPE,
  signStatement,
  openStatement,
  shapeCheck,
  signatureCheck,
  type Subject,
  type Statement,
  type OpenedStatement,
  type StatementError,
  type Check,
} from './in-toto.js';
export {
  ATTESTATION_PREDICATE_TYPE,
  PASSPORT_PREDICATE_TYPE,
  checkAttestation,
  checkPassport,
  type VersionPredicate,
  type PassportPredicateCore,
  type AttestCheck,
  type PassportCheck,
} from './statement-checks.js';
export { checkProof, checkConsistency, type ProofFile, type ProofCheck, type ConsistencyJson } from './proof-checks.js';
export { logLeafHash, eventLeafHash, LeafHashes } from './log-leaves.js';
export {
  SIGNATURE_LABEL,
  SIGNATURE_ALG,
  REQUEST_COMPONENTS,
  CONTENT_DIGEST,
  methodHasBody,
  signatureBase,
  contentDigestOf,
  contentDigestMatches,
  contentDigestSha256,
  signRequest,
  parseRequestSignature,
  requestSignatureBase,
  verifyRequestSignature,
  type SignedRequestTarget,
  type SignatureRefusal,
  type RequestSignature,
  type RequestSigner,
  type SignRequestOptions,
} from './http-signature.js';
export {
  sealRootOf,
  sealAuditPath,
  sealedLeafHash,
  SealedIds,
  checkAuthorship,
  type SealError,
  type AuthorshipProof,
  type AuthorshipCheck,
} from './seal.js';
