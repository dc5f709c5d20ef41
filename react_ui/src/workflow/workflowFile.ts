// A worker's workflow as a file: the document `export_workflow` gives, downloaded as
// `<worker>.json`, and a picked or dropped `.json` read back for `import_workflow`.

/** A safe file name for the worker's workflow. */
export function workflowFileName(worker: string): string {
  const base = worker.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'workflow'}.json`;
}

/** The text of a file, parsed as a workflow document; null when it is not one. */
export function parseWorkflow(text: string): Record<string, unknown> | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const d = doc as Record<string, unknown>;
  return Array.isArray(d.nodes) && ('schema_version' in d || Array.isArray(d.edges)) ? d : null;
}

/** A `.json` file (by name or type). */
export function isJsonFile(file: { name: string; type: string }): boolean {
  return file.name.toLowerCase().endsWith('.json') || file.type === 'application/json';
}

/** Offer the document as a download. */
export function downloadJson(doc: unknown, name: string): void {
  const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
