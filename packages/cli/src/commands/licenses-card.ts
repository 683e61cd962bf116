// cairn licenses NAME@V (the license set, obligations and conflicts under the auditable rules of
// projections' license-rules.json) and cairn card NAME@V (a Markdown provenance card).
import type { Command } from 'commander';
import { table } from '../output.js';
import { orFailRead } from '../session.js';
import { withReads, type ReadSession } from '../read-session.js';
import { cardMarkdown, type CardFacts, type LicenseReport, type ResolvedVersion } from '@cairn/client';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf, named, show, short } from './common.js';

export type LicensesJson = LicenseReport & { readonly ref: ResolvedVersion };

export function licensesText(x: LicensesJson, labels: ReadonlyMap<string, string>): string {
  const o = x.obligations;
  return [
    `licenses of ${x.ref.dataset}@${x.ref.ordinal} (${short(x.ref.versionId)}): ${x.licenses.join(', ') || '(none)'}`,
    table(
      ['expression', 'members', 'resolved to'],
      x.expressions.map((e) => [e.expression, String(e.members), e.resolvedTo.join(' + ')]),
    ),
    ...(x.unknown.length > 0 ? [`not in the rules (check by hand): ${x.unknown.join(', ')}`] : []),
    'obligations',
    `  attribution     ${o.attribution.map((a) => `${named(labels, a.contributor)} (${a.members} members: ${a.licenses.join(', ')})`).join('; ') || '-'}`,
    `  share-alike     ${o.shareAlike.join(', ') || '-'}`,
    `  non-commercial  ${o.nonCommercial.join(', ') || '-'}`,
    `  no-derivatives  ${o.noDerivatives.join(', ') || '-'}`,
    x.conflicts.length === 0
      ? 'conflicts: none'
      : `conflicts:\n${x.conflicts.map((c) => `  [${c.rule}] ${c.licenses.join(' vs ')}: ${c.comment}`).join('\n')}`,
  ].join('\n');
}

export async function licensesOf(session: Pick<ReadSession, 'cairn'>, ref: string, asOf?: string): Promise<LicensesJson> {
  return orFailRead(await session.cairn.licenses(ref, asOfOf(asOf)));
}

export async function cardFacts(session: Pick<ReadSession, 'cairn'>, ref: string, asOf?: string): Promise<CardFacts> {
  return orFailRead(await session.cairn.cardFacts(ref, asOfOf(asOf)));
}

export function registerLicensesCard(program: Command): void {
  program
    .command('licenses <ref>')
    .description('the license set of NAME@VERSION, the obligations its members carry and the conflicts between them')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (ref: string, opts: { asOf?: string }, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const l = await licensesOf(session, ref, opts.asOf);
        await show(session.json, l, async (x) =>
          licensesText(x, await session.cairn.labels(x.obligations.attribution.map((a) => a.contributor))),
        );
      });
    });

  program
    .command('card <ref>')
    .description(
      'a Markdown provenance card of NAME@VERSION: counts, contributors, sources, licenses, validation, manifest, Merkle root, diff to the previous version',
    )
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (ref: string, opts: { asOf?: string }, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const facts = await cardFacts(session, ref, opts.asOf);
        const labels = await session.cairn.labels(facts.origin.contributors.map((c) => c.contributor));
        await show(session.json, { ...facts, markdown: cardMarkdown(facts, labels) }, (x) => x.markdown);
      });
    });
}
