// What Cairn refuses in JSON values, shared by the serialiser and the strict parser so that a
// text parses exactly when its value canonicalises.

/**
 * Why `n` has no unambiguous canonical form, or undefined when it has one.
 *
 * RFC 8785 serialises every finite double, but ECMAScript prints doubles in [2^53, 10^21) as
 * plain integer digits ("295147905179352830000"), which an int64/bignum parser elsewhere reads
 * as a different integer than the double meant (I-JSON, RFC 7493 section 2.2). Those are refused.
 * From 10^21 on the form has an exponent ("1e+30"), which every parser reads as a double, so the
 * RFC 8785 sample (1E30) and the Appendix B rows stay valid.
 */
export function numberRefusal(n: number): string | undefined {
  if (!Number.isFinite(n)) return `non-finite number ${String(n)}`;
  const abs = Math.abs(n);
  if (abs > Number.MAX_SAFE_INTEGER && abs < 1e21 && Number.isInteger(n))
    return `integer ${String(n)} is beyond 2^53 and cannot be represented exactly`;
  return undefined;
}

/** True when `s` has a UTF-16 surrogate without its pair (no UTF-8 encoding exists for it). */
export function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

/** `$.a.b` for identifier-like names, `$["x y"]` otherwise. */
export function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
