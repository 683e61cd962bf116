// `npm run generate -w @cairn/schemas`: writes schemas/json/*.schema.json from the codecs.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemaDocuments } from '../json-schema/documents.js';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../json');
mkdirSync(outDir, { recursive: true });
const documents = jsonSchemaDocuments();
const wanted = new Set(documents.map((d) => d.fileName));
// A renamed or removed event must not leave its old schema behind.
for (const file of readdirSync(outDir)) if (file.endsWith('.schema.json') && !wanted.has(file)) rmSync(path.join(outDir, file));
for (const doc of documents) writeFileSync(path.join(outDir, doc.fileName), doc.text);
process.stderr.write(`wrote ${documents.length} JSON Schema files to ${outDir}\n`);
