// `npm run bench [-- --only GROUP[,GROUP]] [--json]`: runs every benchmark group found in
// ./groups (one module per group, default-exporting a BenchGroup) and prints a table or JSON.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchGroup, BenchResult } from './types.js';

const USAGE = `usage: npm run bench [-- [--only GROUP[,GROUP...]] [--json] [--list] [--quick] [--help]]
  --only   run only these groups (see --list)
  --quick  groups that support it run at a smaller size, named in their rows (pipeline 100k CFs, server and explorer smaller stores)
  --json   print the rows as JSON on stdout instead of a table
  --list   name every group with what it measures, and run nothing
Postgres figures need CAIRN_BENCH_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test).`;

function parseOptions() {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        json: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseOptions();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const groupDir = path.join(here, 'groups');
const groups: BenchGroup[] = [];
for (const file of readdirSync(groupDir)
  .filter((f) => f.endsWith('.js'))
  .sort()) {
  const mod = (await import(pathToFileURL(path.join(groupDir, file)).href)) as { default: BenchGroup };
  groups.push(mod.default);
}

if (values.list) {
  for (const g of groups) console.log(`${g.group.padEnd(12)} ${g.description}`);
  process.exit(0);
}

const wanted = values.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = wanted?.filter((w) => !groups.some((g) => g.group === w)) ?? [];
if (unknown.length > 0) {
  console.error(`bench: unknown group(s) ${unknown.join(', ')}; known: ${groups.map((g) => g.group).join(', ')}`);
  process.exit(2);
}
const selected = wanted ? groups.filter((g) => wanted.includes(g.group)) : groups;

const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
const pgUrl = process.env.CAIRN_BENCH_PG_URL;
console.error(
  `# cairn bench on ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}` +
    (pgUrl ? `, postgres at ${new URL(pgUrl).host}` : ', no CAIRN_BENCH_PG_URL: Postgres figures skipped'),
);

/** CAIRN_DEBUG=1 adds the stack of a group's failure, as it does for the CLI's unexpected failures. */
const debugging = (env: NodeJS.ProcessEnv): boolean => env.CAIRN_DEBUG !== undefined && env.CAIRN_DEBUG !== '' && env.CAIRN_DEBUG !== '0';

const results: BenchResult[] = [];
for (const g of selected) {
  console.error(`# ${g.group}: ${g.description}`);
  let rows: readonly BenchResult[];
  try {
    rows = await g.run({ pgUrl, quick: values.quick, log: (m) => console.error(`  ${m}`) });
  } catch (e) {
    // A group refuses what it cannot run with (a setting, a folder) by throwing: the reason is for
    // the person running the bench, the stack only for whoever debugs the group. The groups after
    // it are not run and no JSON is printed, so a partial run is never read as a whole one.
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    console.error(`bench: group ${g.group} failed: ${reason}${debugging(process.env) ? '' : ' (CAIRN_DEBUG=1 shows where)'}`);
    if (debugging(process.env) && e instanceof Error && e.stack !== undefined) console.error(e.stack);
    process.exit(1);
  }
  results.push(...rows);
  if (!values.json) printTable(rows);
}
if (values.json) console.log(JSON.stringify(results, null, 2));

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toPrecision(3);
}

function printTable(rows: readonly BenchResult[]): void {
  const table = rows.map((r) => [
    r.group,
    r.name,
    fmt(r.value),
    r.unit,
    fmt(r.baseline),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
  ]);
  const head = ['group', 'name', 'value', 'unit', 'baseline', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i !== 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) console.log(line(t));
  console.log();
}
