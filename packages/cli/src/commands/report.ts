// cairn report eu-ai-act NAME@V: the public summary of training content that Article 53(1)(d) of
// Regulation (EU) 2024/1689 asks of general-purpose model providers, laid out after the AI
// Office's template (general information, data sources, data processing incl. opt-outs), filled
// from the projections. What the ledger cannot know (provider, model, modalities beyond media
// types) is left for the provider to complete, and said so.
import type { Command } from 'commander';
import { usage } from '../fail.js';
import { orFailRead } from '../session.js';
import { withReads, type ReadSession } from '../read-session.js';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf, show } from './common.js';
import type { CardFacts } from '@cairn/client';

export interface EuAiActReport {
  readonly regulation: 'Regulation (EU) 2024/1689, Article 53(1)(d)';
  readonly dataset: string;
  readonly versionId: string;
  readonly merkleRoot: string;
  readonly general: {
    readonly members: number;
    readonly byKind: CardFacts['kinds'];
    readonly mediaTypes: readonly { readonly mediaType: string; readonly members: number }[];
    readonly contributors: number;
    readonly toComplete: readonly string[];
  };
  readonly sources: readonly { readonly source: string; readonly members: number; readonly licenses: readonly string[] }[];
  readonly licenses: {
    readonly inForce: readonly string[];
    readonly obligations: CardFacts['licenses']['obligations'];
    readonly conflicts: CardFacts['licenses']['conflicts'];
  };
  readonly processing: {
    readonly manifest: unknown;
    readonly exclusions: readonly { readonly rule: string; readonly cfs: number }[];
    readonly validation: CardFacts['validation'];
  };
  readonly optOuts: {
    readonly deprecations: readonly { readonly reason: string; readonly cfs: number }[];
    readonly erasures: number;
    readonly personalDataMembers: number;
    readonly policy: string;
  };
}

async function reportOf(session: Pick<ReadSession, 'cairn'>, ref: string, asOf?: string): Promise<EuAiActReport> {
  const { card: c, facts } = orFailRead(await session.cairn.reportFacts(ref, asOfOf(asOf)));
  const v = c.origin.version;
  return {
    regulation: 'Regulation (EU) 2024/1689, Article 53(1)(d)',
    dataset: c.ref.dataset,
    versionId: v.versionId,
    merkleRoot: v.merkleRoot,
    general: {
      members: v.memberCount,
      byKind: c.kinds,
      mediaTypes: facts.mediaTypes,
      contributors: c.origin.contributors.length,
      toComplete: ['provider name and contact', 'model name and version', 'training data cut-off date', 'data not recorded in this ledger'],
    },
    sources: facts.sources,
    licenses: { inForce: c.licenses.licenses, obligations: c.licenses.obligations, conflicts: c.licenses.conflicts },
    processing: { manifest: c.manifest, exclusions: facts.exclusions, validation: c.validation },
    optOuts: {
      // Opt-outs and takedowns are deprecations; erasure shreds the key. Both are counted up to the cut.
      deprecations: facts.deprecations,
      erasures: facts.erasures,
      personalDataMembers: facts.personalDataMembers,
      policy:
        "A rights holder's opt-out or takedown is recorded as a signed ContributionDeprecated event; the dataset is re-assembled without the CF and earlier versions stay auditable. Erasure (SampleErased) shreds the sample's key so its bytes are unreadable.",
    },
  };
}

export function reportMarkdown(r: EuAiActReport): string {
  const list = <T>(xs: readonly T[], line: (x: T) => string) => (xs.length === 0 ? ['- none'] : xs.map((x) => `- ${line(x)}`));
  return [
    `# Public summary of training content — ${r.dataset}`,
    '',
    `Per ${r.regulation}. Dataset version \`${r.versionId}\` (Merkle root \`${r.merkleRoot}\`); every figure below is read from the Cairn ledger and can be re-derived from its log.`,
    '',
    '## 1. General information',
    '',
    `- ${r.general.members} items (${r.general.byKind.map((k) => `${k.members} ${k.kind}s`).join(', ')}) from ${r.general.contributors} contributors`,
    `- modalities (media types): ${r.general.mediaTypes.map((m) => `${m.mediaType} (${m.members})`).join(', ') || 'none recorded'}`,
    `- to be completed by the provider: ${r.general.toComplete.join('; ')}`,
    '',
    '## 2. Data sources',
    '',
    ...list(r.sources, (s) => `**${s.source}**: ${s.members} items; licenses ${s.licenses.join(', ') || 'none recorded'}`),
    '',
    '### Licenses',
    '',
    `- in force: ${r.licenses.inForce.join(', ') || 'none'}`,
    `- attribution owed to ${r.licenses.obligations.attribution.length} contributors; share-alike: ${r.licenses.obligations.shareAlike.join(', ') || 'none'}; non-commercial: ${r.licenses.obligations.nonCommercial.join(', ') || 'none'}`,
    `- conflicts: ${r.licenses.conflicts.map((c) => `${c.licenses.join(' vs ')} (${c.rule})`).join('; ') || 'none'}`,
    '',
    '## 3. Data processing',
    '',
    'Inclusion is decided by a signed manifest (rules below); items that failed a rule were left out:',
    '',
    ...list(r.processing.exclusions, (e) => `${e.cfs} excluded by rule \`${e.rule}\``),
    `- review: ${r.processing.validation.validations} validations (${r.processing.validation.approvals} approvals, ${r.processing.validation.rejections} rejections) by ${r.processing.validation.validators} reviewers`,
    '',
    '```json',
    JSON.stringify(r.processing.manifest, null, 2),
    '```',
    '',
    '### Opt-outs, takedowns and erasure',
    '',
    r.optOuts.policy,
    '',
    ...list(r.optOuts.deprecations, (d) => `${d.cfs} items withdrawn (${d.reason})`),
    `- ${r.optOuts.erasures} samples erased; ${r.optOuts.personalDataMembers} members are marked as personal data (keyed commitments)`,
  ].join('\n');
}

export function registerReport(program: Command): void {
  program
    .command('report <kind> <ref>')
    .description('a regulatory report on NAME@VERSION; kind eu-ai-act: the public summary of training content (Art. 53(1)(d) EU AI Act)')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (kind: string, ref: string, opts: { asOf?: string }, command: Command) => {
      if (kind !== 'eu-ai-act') usage('KIND', `expected eu-ai-act, got ${JSON.stringify(kind)}`);
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const r = await reportOf(session, ref, opts.asOf);
        await show(session.json, r, reportMarkdown);
      });
    });
}
