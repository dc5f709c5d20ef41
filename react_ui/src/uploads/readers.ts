// Which reader node opens a dropped file, by its extension (the contract's upload mapping).

const READERS: ReadonlyArray<[readonly string[], string]> = [
  [['csv', 'tsv', 'txt'], 'files.read_csv'],
  [['parquet', 'pq'], 'files.read_parquet'],
  [['xlsx', 'xls'], 'files.read_excel'],
  [['json', 'jsonl', 'ndjson'], 'files.read_json'],
  [['feather', 'arrow'], 'files.read_feather'],
  [['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp'], 'files.read_image'],
];

/** The file's extension, lower case, without the dot ("" when it has none). */
export function extension(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The node id of the reader for this file name, or null when nodeweave has none. */
export function readerFor(name: string): string | null {
  const ext = extension(name);
  for (const [exts, node] of READERS) if (exts.includes(ext)) return node;
  return null;
}

/** "CSV, TSV, Parquet, …" for messages about files nothing reads. */
export const READABLE = 'CSV, TSV, Parquet, Excel, JSON/JSONL, Feather or an image';
