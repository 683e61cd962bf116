// RFC 9457 problem details: every refusal the server gives is one of these (the codec is
// @cairn/schemas' ProblemDocument), with the field the refusal concerns (the io-ts path, the
// ledger rule's field, or the argument) and the reason.
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ReadError } from '@cairn/client';
import type { LedgerError } from '@cairn/sdk';
import { describeLedgerError } from '@cairn/sdk';
import { PROBLEM_CONTENT_TYPE, problemType, type FieldProblem, type ProblemDocument } from '@cairn/schemas';

/** A refusal as the server sends it: the problem document every client decodes with the same codec. */
export type Problem = ProblemDocument;
export type { FieldProblem };
export { PROBLEM_CONTENT_TYPE };

export function problem(status: number, kind: string, title: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: problemType(kind), title, status, detail, ...extra };
}

export function invalidRequest(errors: readonly FieldProblem[]): Problem {
  const first = errors[0] ?? { field: '(request)', reason: 'invalid' };
  return problem(400, 'invalid-request', 'The request is not valid', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), {
    field: first.field,
    reason: first.reason,
    errors,
  });
}

export const notFound = (detail: string, field?: string): Problem =>
  problem(404, 'not-found', 'Not found', detail, field === undefined ? {} : { field });

/** A read's failure: what the caller named does not exist (404) or cannot be answered as asked (400/409). */
export function readProblem(error: ReadError): Problem {
  switch (error._tag) {
    case 'UsageError':
      return problem(400, 'invalid-request', 'The request is not valid', error.message, { field: error.field, reason: error.reason });
    case 'AmbiguousCfPrefix':
      return problem(400, 'ambiguous-prefix', 'The CF id prefix names several CFs', error.message, { field: error.field });
    case 'CfNotFound':
      return notFound(error.message, 'field' in error ? (error as { field: string }).field : undefined);
    case 'VersionNotFound':
    case 'NodeNotFound':
      return notFound(error.message);
    case 'NotAMember':
    case 'IsAMember':
    case 'CfNotInVersionPrefix':
      return problem(409, 'not-applicable', 'The question does not apply', error.message);
    default:
      // EventLogError: the log could not be read. Not the caller's fault; no internals shown.
      return problem(503, 'unavailable', 'The ledger could not answer', 'the event log could not be read; try again');
  }
}

/** A write's refusal, with the ledger rule, field and reason the SDK gave (same words as the CLI). */
export function ledgerProblem(error: LedgerError): Problem {
  const index = 'index' in error && typeof error.index === 'number' ? { index: error.index } : {};
  const detail = describeLedgerError(error);
  switch (error._tag) {
    case 'RuleViolation':
      return problem(422, 'rule-violation', 'A ledger rule refused the batch', detail, {
        rule: error.rule,
        field: error.field,
        reason: error.reason,
        ...index,
      });
    case 'DecodeFailure': {
      const errors = decodeProblems(error);
      return problem(422, 'invalid-event', 'An event does not decode', detail, {
        ...(errors[0] ? { field: errors[0].field, reason: errors[0].reason } : {}),
        errors,
        ...index,
      });
    }
    case 'WrongExpectedRevision':
    case 'DuplicateEventConflict':
      return problem(409, 'conflict', 'The batch conflicts with the log', detail, index);
    case 'ErasedSample':
    case 'SampleNotFound':
      return problem(409, 'conflict', 'The batch refers to a sample that cannot be used', detail, index);
    default:
      return problem(503, 'unavailable', 'The ledger could not append', 'the store could not take the batch; nothing was appended');
  }
}

function decodeProblems(error: { readonly message: string }): FieldProblem[] {
  // The SDK renders one "path: reason" line per problem.
  return error.message.split('\n').map((line) => {
    const at = line.indexOf(': ');
    return at < 0 ? { field: '(event)', reason: line } : { field: line.slice(0, at), reason: line.slice(at + 2) };
  });
}

/** What the router refuses before a route runs (Fastify's frameworkErrors). */
export function frameworkProblem(error: { readonly code?: string; readonly message: string }): Problem {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return problem(400, 'invalid-request', 'The request is not valid', 'the path has a percent-escape that is not UTF-8', {
        field: 'path',
        reason: 'has a percent-escape that is not UTF-8',
      });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(414, 'invalid-request', 'The request is not valid', 'a path parameter is longer than any this server names', {
        field: 'path',
        reason: 'a parameter is too long',
      });
    default:
      return problem(400, 'invalid-request', 'The request is not valid', 'the request could not be routed', {
        field: 'path',
        reason: 'not routable',
      });
  }
}

/**
 * A request Node's HTTP parser refused before any handler: the head too large, or not HTTP (a NUL
 * or a control character in a header, a malformed request line). The refusal is written on the
 * socket as a problem document, which is then closed (the parser cannot read on past it).
 */
export function writeClientErrorProblem(error: Error & { readonly code?: string }, socket: Socket): void {
  // A reset connection, or one already gone: there is no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const p =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(431, 'invalid-request', 'The request head is too large', `the URL and headers are larger than ${maxHeaderSize} bytes`, {
          field: 'request',
          reason: `the URL and headers are larger than ${maxHeaderSize} bytes`,
        })
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(408, 'invalid-request', 'The request took too long', 'the request was not received in time', {
            field: 'request',
            reason: 'not received in time',
          })
        : problem(400, 'invalid-request', 'The request is not valid', 'the request is not valid HTTP/1.1', {
            field: 'request',
            reason: `not valid HTTP/1.1 (${error.code ?? 'unreadable'})`,
          });
  const body = JSON.stringify(p);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}
