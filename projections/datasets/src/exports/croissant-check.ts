// What a Croissant 1.0 document must carry, as our own check (no schema file is copied): the
// dataset properties the spec lists as required (docs/croissant-spec.md, "Required": @context,
// @type sc:Dataset, conformsTo, description, license, name, url, creator, datePublished), and the
// checks mlcroissant's FileObject node makes when it loads one (structure_graph/nodes/
// file_object.py): an @id and an encodingFormat; a contentUrl unless it is containedIn another
// object; an md5 or a sha256 unless the dataset is live; a name that is a string. @ids are unique
// across the document (the spec: "IDs must be unique within a Croissant dataset").
import { isSha256Hex } from '@cairn/core';

const CONFORMS = new Set(['http://mlcommons.org/croissant/1.0', 'http://mlcommons.org/croissant/1.1']);
const DATASET_TYPES = new Set(['sc:Dataset', 'https://schema.org/Dataset', 'http://schema.org/Dataset']);
const CREATOR_TYPES = new Set(['sc:Person', 'sc:Organization', 'https://schema.org/Person', 'https://schema.org/Organization']);
const FILE_OBJECT_TYPES = new Set(['cr:FileObject', 'http://mlcommons.org/croissant/FileObject', 'sc:FileObject']);
// schema.org Date or DateTime, as ISO 8601 text.
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmptyText = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
const many = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every way `doc` falls short of the Croissant 1.0 required properties and mlcroissant's FileObject checks; empty when none. */
export function croissantProblems(doc: unknown): string[] {
  if (!isObject(doc)) return ['the document is not a JSON object'];
  const problems: string[] = [];
  if (!isObject(doc['@context'])) problems.push('@context: required, a JSON-LD context object');
  if (!DATASET_TYPES.has(doc['@type'] as string)) problems.push('@type: required, sc:Dataset');
  if (!CONFORMS.has(doc['conformsTo'] as string)) problems.push('conformsTo: required, http://mlcommons.org/croissant/1.0');
  for (const key of ['name', 'description', 'url'] as const) if (!nonEmptyText(doc[key])) problems.push(`${key}: required, non-empty text`);
  const licenses = many(doc['license']);
  if (licenses.length === 0 || !licenses.every((l) => nonEmptyText(l) || isObject(l)))
    problems.push('license: required, one or more URLs or CreativeWorks');
  const creators = many(doc['creator']);
  if (creators.length === 0) problems.push('creator: required, one or more sc:Person or sc:Organization');
  creators.forEach((c, i) => {
    if (!isObject(c) || !CREATOR_TYPES.has(c['@type'] as string) || !nonEmptyText(c['name']))
      problems.push(`creator[${i}]: an sc:Person or sc:Organization with a name`);
  });
  const published = doc['datePublished'];
  if (typeof published !== 'string' || !DATE.test(published) || Number.isNaN(Date.parse(published)))
    problems.push('datePublished: required, an ISO 8601 Date or DateTime');

  const live = doc['isLiveDataset'] === true;
  const ids = new Set<string>();
  const seeId = (id: unknown, where: string) => {
    if (typeof id !== 'string') return;
    if (ids.has(id)) problems.push(`${where}: @id ${JSON.stringify(id)} is not unique in the document`);
    ids.add(id);
  };
  many(doc['distribution']).forEach((d, i) => {
    const where = `distribution[${i}]`;
    if (!isObject(d)) return void problems.push(`${where}: not an object`);
    seeId(d['@id'], where);
    if (!FILE_OBJECT_TYPES.has(d['@type'] as string)) return;
    if (!nonEmptyText(d['@id'])) problems.push(`${where}: @id is mandatory`);
    if (d['name'] !== undefined && typeof d['name'] !== 'string') problems.push(`${where}: name must be text`);
    if (many(d['encodingFormat']).filter(nonEmptyText).length === 0) problems.push(`${where}: encodingFormat is mandatory`);
    if (many(d['containedIn']).length === 0) {
      if (!nonEmptyText(d['contentUrl'])) problems.push(`${where}: contentUrl is mandatory`);
      if (!live && !nonEmptyText(d['md5']) && !nonEmptyText(d['sha256'])) problems.push(`${where}: at least one of md5, sha256`);
    }
    if (d['sha256'] !== undefined && !isSha256Hex(String(d['sha256']))) problems.push(`${where}: sha256 is not 64 hex`);
  });
  many(doc['recordSet']).forEach((r, i) => {
    if (!isObject(r)) return void problems.push(`recordSet[${i}]: not an object`);
    seeId(r['@id'], `recordSet[${i}]`);
    many(r['field']).forEach((f, j) => {
      if (isObject(f)) seeId(f['@id'], `recordSet[${i}].field[${j}]`);
    });
  });
  return problems;
}
