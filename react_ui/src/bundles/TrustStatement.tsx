// What a bundle would write and run: its node modules by file name, each with its source on
// demand, and the sentence that says they run with the user's rights.
import { useId } from 'react';

export interface TrustStatementProps {
  /** Module file name → source. */
  modules: Readonly<Record<string, string>>;
  statement: string;
}

export function TrustStatement({ modules, statement }: TrustStatementProps) {
  const names = Object.keys(modules).sort();
  const listId = useId();
  if (names.length === 0) return null;
  return (
    <section className="nw-bd-trust" data-testid="bundle-trust" role="note" aria-labelledby={listId}>
      <p id={listId} className="nw-bd-trust-text">
        <strong>{statement}</strong>
      </p>
      <ul className="nw-bd-modules" aria-label="Node modules in the bundle">
        {names.map((name) => (
          <li key={name} data-testid="bundle-module" data-module={name}>
            <details className="nw-bd-source">
              <summary>
                <code>{name}</code> <span className="nw-bd-muted">— view source</span>
              </summary>
              <pre data-testid="bundle-module-source" aria-label={`Source of ${name}`} tabIndex={0}>
                {modules[name]}
              </pre>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
