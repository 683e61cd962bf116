// A dataset version as the text of one export format, as `cairn export --format F` writes it to a
// file or stdout: members as JSON lines, OpenLineage events one per line (as its transports carry
// them), a Croissant document or MLflow's dataset input as one indented JSON document.
import { mlflowDatasetInput, toCroissant, toJsonl, toOpenLineage, type VersionExport } from '@cairn/datasets';

export const TEXT_EXPORT_FORMATS = ['jsonl', 'openlineage', 'croissant', 'mlflow'] as const;
export type TextExportFormat = (typeof TEXT_EXPORT_FORMATS)[number];

/** JSON for a document: bigints (log positions) as decimal strings, since JSON has no int64. */
const document = (value: unknown): string =>
  `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;

export function exportText(x: VersionExport, format: TextExportFormat): string {
  switch (format) {
    case 'jsonl':
      return toJsonl(x);
    case 'openlineage':
      return toOpenLineage(x)
        .map((e) => `${JSON.stringify(e)}\n`)
        .join('');
    case 'mlflow':
      return document(mlflowDatasetInput(x));
    case 'croissant':
      return document(toCroissant(x));
  }
}
