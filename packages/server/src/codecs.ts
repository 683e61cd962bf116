// The request and response shapes, as io-ts codecs. They are defined below the server (the
// queries and answers in @cairn/client, the signed batch and its problems in @cairn/sdk), so a
// remote client decodes with the very codecs the server decodes requests with (decode.ts) and
// generates its OpenAPI document from (openapi.ts).
export {
  Digits,
  AsOfText,
  Direction,
  AsOfQuery,
  MembersQuery,
  WhyQuery,
  DiffQuery,
  TraceFormat,
  TraceQuery,
  NoQuery,
  HexPrefix,
  DatasetsQuery,
  CreditQuery,
  AttributeBody,
  UnlearningQuery,
  TreeHeadQuery,
  ExportFormat,
  ExportQuery,
  StatusAnswer as Status,
} from '@cairn/client';
export {
  Base64,
  Hex64,
  SignedEnvelopeWire as SignedEnvelope,
  SealedEnvelopeWire as SealedEnvelope,
  SampleBytes,
  BatchItem,
  EventBatch,
  ReceiptWire as Receipt,
  BatchAccepted,
} from '@cairn/sdk';
export { FieldProblem, ProblemDocument as Problem } from '@cairn/schemas';
