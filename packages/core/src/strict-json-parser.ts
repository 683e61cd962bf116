// A small RFC 8259 parser that refuses what RFC 8785 cannot canonicalise or what different
// parsers would read differently (I-JSON, RFC 7493): duplicate member names (JSON.parse keeps the
// last one silently, others keep the first), numbers that are not finite doubles, integers past
// 2^53 that would print as plain digits (see json-policy.ts), and lone surrogates, raw or written as \uXXXX escapes.
import * as E from 'fp-ts/lib/Either.js';
import type { CanonicalJsonError, JsonValue } from './canonical-json.js';
import { childPath, hasLoneSurrogate, numberRefusal } from './json-policy.js';

const MAX_DEPTH = 512;

class ParseFailure {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue('$', 0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('$', 'unexpected text after the JSON value');
    return value;
  }

  private fail(path: string, reason: string): never {
    throw new ParseFailure(path, `${reason} at offset ${this.pos}`);
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      // RFC 8259 section 2: only space, tab, LF and CR are insignificant whitespace.
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  private parseValue(path: string, depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(path, `nesting deeper than ${MAX_DEPTH}`);
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject(path, depth);
      case '[':
        return this.parseArray(path, depth);
      case '"':
        return this.parseString(path);
      case 't':
        return this.literal('true', true, path);
      case 'f':
        return this.literal('false', false, path);
      case 'n':
        return this.literal('null', null, path);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber(path);
        return this.fail(path, c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`);
    }
  }

  private literal<T extends JsonValue>(word: string, value: T, path: string): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(path, `invalid literal, expected ${word}`);
    this.pos += word.length;
    return value;
  }

  private parseNumber(path: string): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail(path, 'invalid number');
    const next = this.text[this.pos + m[0].length];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) this.fail(path, `invalid number ${JSON.stringify(m[0] + next)}`);
    const value = Number(m[0]);
    const refusal = numberRefusal(value);
    if (refusal !== undefined) this.fail(path, `${m[0]}: ${refusal}`);
    this.pos += m[0].length;
    return value;
  }

  private parseString(path: string): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) return this.fail(path, 'unterminated string');
      if (code === 0x22) break;
      if (code < 0x20) this.fail(path, `unescaped control character U+${code.toString(16).padStart(4, '0')} in string`);
      if (code !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.text.slice(runStart, this.pos);
      const e = this.text[this.pos + 1];
      if (e === 'u') {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(path, 'invalid \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else {
        const ch = e === undefined ? undefined : ESCAPES[e];
        if (ch === undefined) this.fail(path, `invalid escape \\${e ?? ''}`);
        out += ch;
        this.pos += 2;
      }
      runStart = this.pos;
    }
    out += this.text.slice(runStart, this.pos);
    this.pos++; // closing quote
    // Checked on the decoded value so "\ud800" written as an escape is caught like a raw one.
    if (hasLoneSurrogate(out)) {
      this.pos = start;
      this.fail(path, 'string contains a lone surrogate');
    }
    return out;
  }

  private parseArray(path: string, depth: number): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      out.push(this.parseValue(`${path}[${out.length}]`, depth + 1));
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail(path, "expected ',' or ']' in array");
      }
    }
  }

  private parseObject(path: string, depth: number): { [key: string]: JsonValue } {
    this.pos++;
    const out: { [key: string]: JsonValue } = {};
    const seen = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail(path, 'expected a member name string');
      const key = this.parseString(path);
      const memberPath = childPath(path, key);
      if (seen.has(key)) this.fail(memberPath, `duplicate member name ${JSON.stringify(key)}`);
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail(memberPath, "expected ':' after member name");
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue(memberPath, depth + 1);
      // defineProperty so a member named "__proto__" stays data instead of changing the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail(path, "expected ',' or '}' in object");
      }
    }
  }
}

/** Parses JSON text, refusing anything that has no single canonical reading (see above). */
export function parseStrictJson(text: string): E.Either<CanonicalJsonError, JsonValue> {
  if (typeof text !== 'string') return E.left({ _tag: 'CanonicalJsonError', path: '$', reason: `expected JSON text, got ${typeof text}` });
  try {
    return E.right(new Parser(text).parseDocument());
  } catch (e) {
    if (e instanceof ParseFailure) return E.left({ _tag: 'CanonicalJsonError', path: e.path, reason: e.reason });
    throw e;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses UTF-8 JSON bytes; malformed UTF-8 (RFC 3629) is refused rather than replaced with U+FFFD. */
export function parseStrictJsonBytes(bytes: Uint8Array): E.Either<CanonicalJsonError, JsonValue> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return E.left({ _tag: 'CanonicalJsonError', path: '$', reason: 'input is not well-formed UTF-8' });
  }
  return parseStrictJson(text);
}
