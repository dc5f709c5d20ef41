// "Export composite…": the definition (and the composites it uses) as a workflow document with
// no nodes, downloaded as `<id>.composite.json`. Merged into another worker (Merge…, or dropped
// on its canvas) it adds the composites to that worker's library.
import type { CompositeData } from '../protocol/generated';
import { downloadJson } from '../workflow/workflowFile';
import { compositeDocument, compositeFileName } from './model';

/** Download the composite `id`; `fail` hears why not (a definition this tab does not know). */
export function exportComposite(id: string, defs: Readonly<Record<string, CompositeData>>, fail: (message: string) => void): void {
  if (!defs[id]) {
    fail(`The composite “${id}” is not defined in this workflow any more.`);
    return;
  }
  downloadJson(compositeDocument(id, defs), compositeFileName(id));
}
