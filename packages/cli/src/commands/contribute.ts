// cairn contribute sample|label|validation, cairn amend, cairn deprecate, cairn erase.
import type { Command } from 'commander';
import type { CfId } from '@cairn/schemas';
import { AMENDABLE_FIELDS, type DeprecationReason, type Signer } from '@cairn/sdk';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail } from '../fail.js';
import { readNamedFile } from '../files.js';
import { emit } from '../output.js';
import { withWrites, type WriteSession } from '../write-session.js';
import { globalsOf } from './common.js';
import { jsonOrString, receiptJson, receiptText } from './receipt.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
/** Payload fields that are text: --set passes their value through as it is (others are JSON, or a plain string). */
const TEXT_FIELDS = new Set(['mediaType', 'license', 'source', 'labelType', 'rationale', 'verdict']);
const DEPRECATION_REASONS: readonly DeprecationReason[] = ['dispute', 'takedown', 'erasure', 'quality', 'other'];

async function signerOf(session: Pick<WriteSession, 'keyring'>, name: string | undefined): Promise<Signer> {
  if (name === undefined) fail(ExitCode.usage, '--as: name the signer (cairn keys list)');
  return orFail(await session.keyring.signer(name), (e) => e.message);
}

/** --target values: CF ids or unique prefixes of them (6+ hex), in the order given. */
async function targetsOf(session: WriteSession, targets: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const t of targets) ids.push(await session.cf(t, '--target'));
  return ids;
}

function objectFlag(field: string, value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const parsed = jsonOrString(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(ExitCode.usage, `${field}: expected a JSON object`);
  return parsed as Record<string, unknown>;
}

export interface AmendmentWarning {
  readonly dataset: string;
  readonly version: string;
  readonly versionId: string;
  readonly rule: string | null;
  readonly reason: string;
  readonly message: string;
}

/**
 * The datasets whose current version held what `cfId` amends were re-assembled by the amendment;
 * a warning for each whose new version leaves the amendment out, with the rule and its reason.
 */
async function amendmentWarnings(session: Pick<WriteSession, 'replacementOutcomes'>, cfId: CfId): Promise<AmendmentWarning[]> {
  const warnings: AmendmentWarning[] = [];
  for (const o of await session.replacementOutcomes(cfId)) {
    if (o.included) continue;
    const version = `${o.dataset}@${o.ordinal ?? o.versionId}`;
    warnings.push({
      dataset: o.dataset,
      version,
      versionId: o.versionId,
      rule: o.rule,
      reason: o.reason,
      message: `the amendment is not in ${version}, re-assembled because of it: ${o.rule ?? 'excluded'}: ${o.reason}`,
    });
  }
  return warnings;
}

export function registerContribute(program: Command): void {
  const contribute = program.command('contribute').description('append one signed CF (sample, label or validation)');

  contribute
    .command('sample')
    .description('a sample: its bytes are hashed, encrypted and stored; only the commitment enters the log')
    .requiredOption('--as <name>', 'the signer')
    .option('--file <path>', 'the sample bytes from a file')
    .option('--text <text>', 'the sample bytes as UTF-8 text')
    .requiredOption('--license <spdx>', 'SPDX license expression')
    .requiredOption('--source <id>', 'where the sample comes from')
    .option('--media-type <type>', 'media type', 'text/plain')
    .option('--personal-data', 'commit with a keyed hash (the key is shredded on erasure)')
    .option('--attributes <json>', 'extra attributes, a JSON object')
    .action(
      async (
        opts: {
          as: string;
          file?: string;
          text?: string;
          license: string;
          source: string;
          mediaType: string;
          personalData?: boolean;
          attributes?: string;
        },
        command: Command,
      ) => {
        if ((opts.file === undefined) === (opts.text === undefined)) fail(ExitCode.usage, '--file / --text: give exactly one');
        if (opts.text === '') fail(ExitCode.usage, '--text: must not be empty (a sample has at least one byte)');
        const bytes = opts.file !== undefined ? await readNamedFile('--file', opts.file) : new TextEncoder().encode(opts.text);
        if (bytes.length === 0) fail(ExitCode.usage, `--file ${opts.file}: the file is empty (a sample has at least one byte)`);
        const attributes = objectFlag('--attributes', opts.attributes);
        await withWrites(globalsOf(command), async (session) => {
          const signer = await signerOf(session, opts.as);
          const r = orFail(
            await session.ledger.contribute.sample(
              {
                bytes,
                mediaType: opts.mediaType,
                license: opts.license,
                source: opts.source,
                ...(opts.personalData ? { personalData: true } : {}),
                ...(attributes ? { attributes } : {}),
              },
              signer,
            ),
            messageOf,
          );
          emit(receiptJson(r), { json: session.json }, receiptText);
        });
      },
    );

  contribute
    .command('label')
    .description('a label: a structured claim about one or more CFs')
    .requiredOption('--as <name>', 'the signer')
    .requiredOption('--target <cf>', 'the CF labelled (repeat for several)', collect)
    .requiredOption('--type <labelType>', 'what kind of label (class, topic, box, ...)')
    .requiredOption('--value <value>', 'the label value (JSON, or a plain string)')
    .option('--rationale <text>', 'why')
    .action(async (opts: { as: string; target: string[]; type: string; value: string; rationale?: string }, command: Command) => {
      await withWrites(globalsOf(command), async (session) => {
        const signer = await signerOf(session, opts.as);
        const r = orFail(
          await session.ledger.contribute.label(
            {
              targets: await targetsOf(session, opts.target),
              labelType: opts.type,
              value: jsonOrString(opts.value),
              ...(opts.rationale ? { rationale: opts.rationale } : {}),
            },
            signer,
          ),
          messageOf,
        );
        emit(receiptJson(r), { json: session.json }, receiptText);
      });
    });

  contribute
    .command('validation')
    .description("a reviewer's verdict on earlier CFs")
    .requiredOption('--as <name>', 'the signer')
    .requiredOption('--target <cf>', 'the CF judged (repeat for several)', collect)
    .requiredOption('--verdict <verdict>', 'approve | reject | score')
    .option('--score <n>', 'score in 0..1 (with --verdict score)')
    .requiredOption('--rationale <text>', 'why')
    .action(async (opts: { as: string; target: string[]; verdict: string; score?: string; rationale: string }, command: Command) => {
      if (!['approve', 'reject', 'score'].includes(opts.verdict)) fail(ExitCode.usage, '--verdict: expected approve, reject or score');
      const score = opts.score === undefined ? undefined : Number(opts.score);
      if (score !== undefined && !Number.isFinite(score)) fail(ExitCode.usage, '--score: expected a number in 0..1');
      await withWrites(globalsOf(command), async (session) => {
        const signer = await signerOf(session, opts.as);
        const r = orFail(
          await session.ledger.contribute.validation(
            {
              targets: await targetsOf(session, opts.target),
              verdict: opts.verdict as 'approve' | 'reject' | 'score',
              rationale: opts.rationale,
              ...(score !== undefined ? { score } : {}),
            },
            signer,
          ),
          messageOf,
        );
        emit(receiptJson(r), { json: session.json }, receiptText);
      });
    });

  program
    .command('amend <cf>')
    .description(
      'a new CF of the same kind that corrects the original (the original is never edited). A sample amended without new bytes keeps ' +
        "its content commitment, and (by the manifest's default) its labels and validations; with new bytes it starts unreviewed. " +
        'Warns when the amendment is not in a version re-assembled because of it.',
    )
    .requiredOption('--as <name>', "the signer: the CF's author or a curator (rule amendment-authority)")
    .option(
      '--set <field=value>',
      `a changed payload field (repeat); text fields take the value as it is, others JSON or a plain string. Sample: ${AMENDABLE_FIELDS.SampleContributed.filter((f) => f !== 'bytes').join(', ')}; ` +
        `label: ${AMENDABLE_FIELDS.LabelContributed.join(', ')}; validation: ${AMENDABLE_FIELDS.ValidationContributed.join(', ')}`,
      collect,
    )
    .option('--file <path>', 'new bytes, for a sample')
    .action(async (cf: string, opts: { as: string; set?: string[]; file?: string }, command: Command) => {
      const changes: Record<string, unknown> = {};
      for (const pair of opts.set ?? []) {
        const eq = pair.indexOf('=');
        if (eq <= 0) fail(ExitCode.usage, `--set: expected field=value, got ${JSON.stringify(pair)}`);
        const field = pair.slice(0, eq);
        if (field in changes) fail(ExitCode.usage, `--set ${field}: given twice`);
        if (field === 'bytes') fail(ExitCode.usage, '--set bytes: give new bytes with --file');
        const value = pair.slice(eq + 1);
        // a text field takes the text as given: `--set source=2024` is the source "2024", not a number
        changes[field] = TEXT_FIELDS.has(field) ? value : jsonOrString(value);
      }
      if (opts.file !== undefined) changes.bytes = await readNamedFile('--file', opts.file);
      if (Object.keys(changes).length === 0) fail(ExitCode.usage, '--set / --file: say what the amendment changes');
      await withWrites(globalsOf(command), async (session) => {
        const signer = await signerOf(session, opts.as);
        const r = orFail(await session.ledger.amend(await session.cf(cf), changes, signer), messageOf);
        const warnings = await amendmentWarnings(session, r.id);
        if (!session.json) for (const w of warnings) process.stderr.write(`warning: ${w.message}\n`);
        emit({ ...receiptJson(r), warnings }, { json: session.json }, receiptText);
      });
    });

  program
    .command('deprecate <cf>')
    .description('take a CF out of future assembly (by its author or a curator)')
    .requiredOption('--as <name>', 'the signer')
    .requiredOption('--reason <reason>', DEPRECATION_REASONS.join(' | '))
    .option('--note <text>', 'a note kept in the log')
    .action(async (cf: string, opts: { as: string; reason: string; note?: string }, command: Command) => {
      if (!DEPRECATION_REASONS.includes(opts.reason as DeprecationReason))
        fail(ExitCode.usage, `--reason: expected one of ${DEPRECATION_REASONS.join(', ')}`);
      await withWrites(globalsOf(command), async (session) => {
        const signer = await signerOf(session, opts.as);
        const r = orFail(
          await session.ledger.deprecate(
            await session.cf(cf),
            { reason: opts.reason as DeprecationReason, ...(opts.note ? { note: opts.note } : {}) },
            signer,
          ),
          messageOf,
        );
        emit(receiptJson(r), { json: session.json }, receiptText);
      });
    });

  program
    .command('erase <sample>')
    .description(
      "erase a sample's bytes for good: SampleErased is appended and its key shredded (the log still verifies); every dataset whose current version holds the sample (or a label, validation or amendment of it) gets a new version without them",
    )
    .requiredOption('--as <name>', "the signer: the sample's author, a curator or a steward (rule erasure-authority)")
    .option('--reason <text>', 'why', 'erasure requested')
    .action(async (sample: string, opts: { as: string; reason: string }, command: Command) => {
      await withWrites(globalsOf(command), async (session) => {
        const signer = await signerOf(session, opts.as);
        const r = orFail(await session.ledger.erase(await session.cf(sample, 'SAMPLE'), signer, opts.reason), messageOf);
        emit(receiptJson(r), { json: session.json }, receiptText);
      });
    });
}
