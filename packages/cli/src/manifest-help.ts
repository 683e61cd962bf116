// `cairn manifest define --help`: the manifest file's format and an example. The field meanings
// are maintained here (the codec carries no prose); the defaults are printed from the schemas
// package itself, and errors.e2e.spec.ts holds the text to the codec: the example decodes
// and every field of a decoded manifest is described.
import { MANIFEST_DEFAULTS } from '@cairn/schemas';

/** A manifest an author might write: the defaults left out, licensePolicy (which has none) given. */
export const MANIFEST_EXAMPLE = {
  candidates: { kinds: ['sample'], sources: ['wdbc'] },
  minApprovals: { count: 2, scope: 'sample' },
  labels: { required: ['diagnosis'] },
  licensePolicy: { allowed: ['CC-BY-4.0', 'MIT'] },
};

/** Each field of a manifest by its path, and what it decides. */
export const MANIFEST_FIELDS: readonly (readonly [path: string, meaning: string])[] = [
  ['candidates.kinds', 'which CFs may become members: "sample" and/or "label"'],
  ['candidates.sources', '"any", or the sample sources (--source) members may come from'],
  ['candidates.assets', '"any", or the AssetAssembled event ids members must come from'],
  [
    'minApprovals.count',
    'approvals a candidate needs: an "approve" verdict (or a "score" at or above scoreThreshold) by a validator other than its author, each validator once',
  ],
  ['minApprovals.scope', 'where approvals count: "sample" (on the sample), "labels" (on its labels) or "either"'],
  ['minAgreement', 'approvals / (approvals + rejections) must be at least this, 0..1 (no verdicts at all passes)'],
  ['scoreThreshold', 'a "score" verdict at or above this counts as an approval, below it as a rejection, 0..1'],
  ['labels.required', 'label types a sample must carry, at least one non-deprecated label of each'],
  ['licensePolicy.allowed', "REQUIRED (no default): SPDX license ids; a sample's license expression must be satisfiable with these alone"],
  ['dedup', '"content-commitment" (of samples with the same bytes only the earliest in the log) or "none"'],
  ['excludeDeprecated', 'true: deprecated CFs are left out'],
];

const WIDTH = Math.max(...MANIFEST_FIELDS.map(([path]) => path.length)) + 2;
const LINE = 100;

/** `text` wrapped at LINE columns, every line after the first indented by `indent`. */
function wrapped(text: string, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > LINE) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** One JSON object, a top-level member per line: short enough to read, still valid JSON to copy. */
function objectLines(value: Record<string, unknown>, indent: string): string {
  const members = Object.entries(value).map(([key, item]) => `${indent}  ${JSON.stringify(key)}: ${JSON.stringify(item)}`);
  return `${indent}{\n${members.join(',\n')}\n${indent}}`;
}

export const MANIFEST_HELP = `
The manifest file: one JSON object. Every field but licensePolicy may be left out and takes its
default; the log stores the complete manifest (defaults filled in), and its id is the SHA-256 of
that manifest's canonical JSON, so the same rules always give the same id.

Fields:
${MANIFEST_FIELDS.map(([path, meaning]) => `  ${path.padEnd(WIDTH)}${wrapped(meaning, 2 + WIDTH)}`).join('\n')}

Defaults:
${objectLines(MANIFEST_DEFAULTS, '  ')}

Example (manifest.json):
${objectLines(MANIFEST_EXAMPLE, '  ')}

  cairn manifest define manifest.json --as curator        prints the manifest id (64 hex)
  cairn dataset build NAME --manifest <id> --as curator   cuts a version with these rules`;
