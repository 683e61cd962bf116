// The two header fields of RFC 9421 (HTTP Message Signatures) read and written as the RFC 8941
// structured fields they are: Signature-Input, a dictionary of inner lists of strings with
// parameters, and Signature, a dictionary of byte sequences. Only what the two fields use is
// parsed (strings, integers, tokens, byte sequences, inner lists); anything else is refused.
import * as E from 'fp-ts/lib/Either.js';

/** A parameter's value as RFC 8941 carries it (a string and a token are told apart when serialized). */
export type SfBareItem = string | number | { readonly token: string } | Uint8Array | boolean;

export interface SfInnerList {
  readonly items: readonly string[];
  readonly params: readonly (readonly [string, SfBareItem])[];
}

const KEY = /^[a-z*][a-z0-9_\-.*]*/;
const TOKEN = /^[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:/]*/;

class Cursor {
  at = 0;
  constructor(readonly text: string) {}
  peek(): string | undefined {
    return this.text[this.at];
  }
  skip(chars: string): void {
    while (this.at < this.text.length && chars.includes(this.text[this.at]!)) this.at++;
  }
  match(re: RegExp): string | undefined {
    const m = re.exec(this.text.slice(this.at));
    if (m === null) return undefined;
    this.at += m[0].length;
    return m[0];
  }
  done(): boolean {
    return this.at >= this.text.length;
  }
}

type Parsed<T> = E.Either<string, T>;

function sfString(c: Cursor): Parsed<string> {
  c.at++; // the opening quote
  let out = '';
  while (!c.done()) {
    const ch = c.text[c.at++]!;
    if (ch === '"') return E.right(out);
    if (ch === '\\') {
      const next = c.text[c.at++];
      if (next !== '"' && next !== '\\') return E.left('a string has an escape other than \\" or \\\\');
      out += next;
    } else if (ch < ' ' || ch > '~') return E.left('a string holds a character outside printable ASCII');
    else out += ch;
  }
  return E.left('a string is not closed');
}

function bareItem(c: Cursor): Parsed<SfBareItem> {
  const ch = c.peek();
  if (ch === '"') return sfString(c);
  if (ch === ':') {
    const end = c.text.indexOf(':', c.at + 1);
    if (end < 0) return E.left('a byte sequence is not closed');
    const b64 = c.text.slice(c.at + 1, end);
    c.at = end + 1;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return E.left('a byte sequence is not standard base64');
    return E.right(new Uint8Array(Buffer.from(b64, 'base64')));
  }
  if (ch === '?') {
    const b = c.match(/^\?[01]/);
    return b === undefined ? E.left('a boolean is not ?0 or ?1') : E.right(b === '?1');
  }
  const int = c.match(/^-?\d{1,15}(?![\d.])/);
  if (int !== undefined) return E.right(Number(int));
  const token = c.match(TOKEN);
  if (token !== undefined) return E.right({ token });
  return E.left(`an item cannot start with ${JSON.stringify(ch ?? 'the end')}`);
}

function parameters(c: Cursor): Parsed<[string, SfBareItem][]> {
  const out: [string, SfBareItem][] = [];
  while (c.peek() === ';') {
    c.at++;
    c.skip(' ');
    const key = c.match(KEY);
    if (key === undefined) return E.left('a parameter has no valid name');
    let value: SfBareItem = true;
    if (c.peek() === '=') {
      c.at++;
      const v = bareItem(c);
      if (E.isLeft(v)) return v;
      value = v.right;
    }
    if (out.some(([k]) => k === key)) return E.left(`parameter ${key} is given twice`);
    out.push([key, value]);
  }
  return E.right(out);
}

type Member = { readonly kind: 'inner'; readonly list: SfInnerList } | { readonly kind: 'item'; readonly item: SfBareItem };

function member(c: Cursor): Parsed<Member> {
  if (c.peek() === '(') {
    c.at++;
    const items: string[] = [];
    for (;;) {
      c.skip(' ');
      if (c.peek() === ')') {
        c.at++;
        break;
      }
      if (c.peek() !== '"') return E.left('a covered component is not a quoted string');
      const s = sfString(c);
      if (E.isLeft(s)) return s;
      // Component parameters (;sf, ;key, ;req, ...) are not part of this profile.
      if (c.peek() === ';') return E.left(`component ${JSON.stringify(s.right)} carries parameters, which are not supported`);
      items.push(s.right);
      const next = c.peek();
      if (next !== ' ' && next !== ')') return E.left('covered components are separated by single spaces');
    }
    const params = parameters(c);
    return E.isLeft(params) ? params : E.right({ kind: 'inner', list: { items, params: params.right } });
  }
  const item = bareItem(c);
  if (E.isLeft(item)) return item;
  const params = parameters(c); // an item's parameters mean nothing to the two fields
  return E.isLeft(params) ? params : E.right({ kind: 'item', item: item.right });
}

/** An RFC 8941 dictionary; a label given twice keeps the last (RFC 8941 section 4.2.2). */
export function parseDictionary(text: string): Parsed<Map<string, Member>> {
  const c = new Cursor(text);
  const out = new Map<string, Member>();
  c.skip(' ');
  while (!c.done()) {
    const key = c.match(KEY);
    if (key === undefined) return E.left('a member has no valid label');
    if (c.peek() !== '=') return E.left(`member ${key} has no value`);
    c.at++;
    const m = member(c);
    if (E.isLeft(m)) return m;
    out.set(key, m.right);
    c.skip(' \t');
    if (c.done()) break;
    if (c.peek() !== ',') return E.left(`unexpected ${JSON.stringify(c.peek())} after member ${key}`);
    c.at++;
    c.skip(' \t');
    if (c.done()) return E.left('the field ends with a comma');
  }
  return E.right(out);
}

function serializeItem(value: SfBareItem): string {
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '?1' : '?0';
  if (value instanceof Uint8Array) return `:${Buffer.from(value).toString('base64')}:`;
  return value.token;
}

/** The canonical serialization of an inner list (RFC 8941 section 4.1.1.1): what `@signature-params` is. */
export function serializeInnerList(list: SfInnerList): string {
  const items = list.items.map((s) => serializeItem(s)).join(' ');
  const params = list.params.map(([k, v]) => (v === true ? `;${k}` : `;${k}=${serializeItem(v)}`));
  return `(${items})${params.join('')}`;
}
