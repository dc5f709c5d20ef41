// The nodes of the worker's modules that could not be loaded (e.g. a FuncNodes node class that
// cannot run here), each module folded to "2 nodes not loaded" with the reasons inside.
import type { ModuleInfo } from '../protocol/generated';
import { moduleFile, skippedText } from './events';

export function SkippedNodes({ modules }: { modules: readonly ModuleInfo[] | null | undefined }) {
  const skipping = (modules ?? []).filter((m) => (m.skipped?.length ?? 0) > 0);
  if (skipping.length === 0) return null;
  return (
    <div className="nw-mod-skipped" data-testid="module-skipped">
      {skipping.map((m) => {
        const skipped = m.skipped ?? [];
        return (
          <details key={m.name} className="nw-mod-skipped-module" data-testid="module-skipped-module" data-module={m.name}>
            <summary>
              <span className="nw-mod-skipped-name">{moduleFile(m) ?? m.name}</span>: {skippedText(skipped.length)}
            </summary>
            <ul aria-label={`Nodes of ${m.name} not loaded`}>
              {skipped.map((why, i) => (
                <li key={i}>{why}</li>
              ))}
            </ul>
          </details>
        );
      })}
    </div>
  );
}
