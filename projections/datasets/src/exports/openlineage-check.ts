// What the OpenLineage 2-0-2 JSON Schema (spec/OpenLineage.json, $id
// https://openlineage.io/spec/2-0-2/OpenLineage.json) requires of an event, as our own check (no
// schema file is copied): the document is oneOf RunEvent, DatasetEvent, JobEvent; every event is a
// BaseEvent (eventTime date-time, producer and schemaURL URIs); a RunEvent has run (runId a UUID)
// and job (namespace, name) and an eventType from the enum; a DatasetEvent has a dataset and not
// both job and run; a JobEvent has a job and no run; datasets have namespace and name; every facet
// is a BaseFacet (_producer, _schemaURL URIs; _deleted a boolean where allowed); the
// DatasetVersionDatasetFacet (facets/1-0-1) carries datasetVersion.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const EVENT_TYPES = new Set(['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER']);
// RFC 3339 date-time, as JSON Schema's "date-time" format reads it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const VERSION_FACET = /\/DatasetVersionDatasetFacet\.json#\/\$defs\/DatasetVersionDatasetFacet$/;

function isUri(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).protocol.length > 1;
  } catch {
    return false;
  }
}

function facets(v: unknown, where: string, problems: string[], deletable: boolean): void {
  if (v === undefined) return;
  if (!isObject(v)) return void problems.push(`${where}: must be an object of facets`);
  for (const [name, f] of Object.entries(v)) {
    const at = `${where}.${name}`;
    if (!isObject(f)) {
      problems.push(`${at}: a facet must be an object`);
      continue;
    }
    if (!isUri(f['_producer'])) problems.push(`${at}._producer: required, a URI`);
    if (!isUri(f['_schemaURL'])) problems.push(`${at}._schemaURL: required, a URI`);
    if (deletable && f['_deleted'] !== undefined && typeof f['_deleted'] !== 'boolean') problems.push(`${at}._deleted: a boolean`);
    if (typeof f['_schemaURL'] === 'string' && VERSION_FACET.test(f['_schemaURL']) && typeof f['datasetVersion'] !== 'string')
      problems.push(`${at}.datasetVersion: required, a string`);
  }
}

function dataset(v: unknown, where: string, problems: string[], extraFacets?: string): void {
  if (!isObject(v)) return void problems.push(`${where}: required, an object`);
  if (typeof v['namespace'] !== 'string') problems.push(`${where}.namespace: required, a string`);
  if (typeof v['name'] !== 'string') problems.push(`${where}.name: required, a string`);
  facets(v['facets'], `${where}.facets`, problems, true);
  if (extraFacets !== undefined) facets(v[extraFacets], `${where}.${extraFacets}`, problems, false);
}

function datasets(v: unknown, where: string, problems: string[], extraFacets: string): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) return void problems.push(`${where}: must be an array`);
  v.forEach((d, i) => dataset(d, `${where}[${i}]`, problems, extraFacets));
}

function job(v: unknown, problems: string[]): void {
  if (!isObject(v)) return void problems.push('job: required, an object');
  if (typeof v['namespace'] !== 'string') problems.push('job.namespace: required, a string');
  if (typeof v['name'] !== 'string') problems.push('job.name: required, a string');
  facets(v['facets'], 'job.facets', problems, true);
}

/** Every way `event` falls short of the OpenLineage 2-0-2 schema; empty when none. */
export function openLineageProblems(event: unknown): string[] {
  if (!isObject(event)) return ['the event is not a JSON object'];
  const problems: string[] = [];
  if (typeof event['eventTime'] !== 'string' || !DATE_TIME.test(event['eventTime']) || Number.isNaN(Date.parse(event['eventTime'])))
    problems.push('eventTime: required, an RFC 3339 date-time');
  if (!isUri(event['producer'])) problems.push('producer: required, a URI');
  if (!isUri(event['schemaURL'])) problems.push('schemaURL: required, a URI');
  const has = (k: string) => event[k] !== undefined;
  const kinds = [
    has('run') && has('job') ? 'RunEvent' : null,
    has('dataset') && !(has('job') && has('run')) ? 'DatasetEvent' : null,
    has('job') && !has('run') ? 'JobEvent' : null,
  ].filter((k) => k !== null);
  if (kinds.length !== 1)
    return [
      ...problems,
      `the event must be exactly one of RunEvent, DatasetEvent, JobEvent (it matches ${kinds.length === 0 ? 'none' : kinds.join(' and ')})`,
    ];
  if (kinds[0] === 'RunEvent') {
    if (event['eventType'] !== undefined && !EVENT_TYPES.has(event['eventType'] as string))
      problems.push(`eventType: one of ${[...EVENT_TYPES].join(', ')}`);
    const run = event['run'];
    if (!isObject(run)) problems.push('run: required, an object');
    else {
      if (typeof run['runId'] !== 'string' || !UUID.test(run['runId'])) problems.push('run.runId: required, a UUID');
      facets(run['facets'], 'run.facets', problems, false);
    }
  }
  if (kinds[0] !== 'DatasetEvent') {
    job(event['job'], problems);
    datasets(event['inputs'], 'inputs', problems, 'inputFacets');
    datasets(event['outputs'], 'outputs', problems, 'outputFacets');
  } else dataset(event['dataset'], 'dataset', problems);
  return problems;
}
