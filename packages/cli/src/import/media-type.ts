// A file's media type from its extension, for folder imports (the sample records it; Cairn never
// sniffs bytes). Unknown extensions are application/octet-stream, per RFC 2046 section 4.5.1.
const BY_EXTENSION: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  html: 'text/html',
  htm: 'text/html',
  json: 'application/json',
  jsonl: 'application/jsonl',
  xml: 'application/xml',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  webm: 'video/webm',
  py: 'text/x-python',
  ts: 'text/plain',
  js: 'text/javascript',
};

export function mediaTypeOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return (dot < 0 ? undefined : BY_EXTENSION[file.slice(dot + 1).toLowerCase()]) ?? 'application/octet-stream';
}
