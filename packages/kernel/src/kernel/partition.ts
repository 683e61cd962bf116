// Splits of work between threads. They only decide who computes an output element, never how,
// so results do not depend on them.

/** [start, end) ranges covering [0, n) in `parts` nearly equal pieces, starts aligned to `align`. */
export function splitRange(n: number, parts: number, align: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const units = Math.ceil(n / align);
  const p = Math.max(1, Math.min(parts, units));
  for (let i = 0; i < p; i++) {
    const s = Math.min(n, Math.round((i * units) / p) * align);
    const e = Math.min(n, Math.round(((i + 1) * units) / p) * align);
    if (e > s) out.push([s, e]);
  }
  return out;
}

/** Row ranges of a k×k upper triangle (row a costs k − a) with about equal work, aligned. */
export function splitTriangle(k: number, parts: number, align: number): Array<[number, number]> {
  const total = (k * (k + 1)) / 2;
  const out: Array<[number, number]> = [];
  let start = 0;
  let done = 0;
  for (let i = 1; i <= parts && start < k; i++) {
    const target = (total * i) / parts;
    let end = start;
    while (end < k && (i === parts || done < target)) {
      const stop = Math.min(k, end + align);
      for (let a = end; a < stop; a++) done += k - a;
      end = stop;
    }
    if (end > start) out.push([start, end]);
    start = end;
  }
  return out;
}
