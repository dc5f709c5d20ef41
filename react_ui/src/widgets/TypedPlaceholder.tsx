// An input whose values are Python objects (a DataFrame, an array, a Figure): nothing to type
// in, so the widget says what to connect.

/** "connect a DataFrame", "connect an ndarray". */
export function connectText(type: string): string {
  const name = type.trim() || 'value';
  return `connect ${/^(?:[aeiou]|nd)/i.test(name) ? 'an' : 'a'} ${name}`;
}

export function TypedPlaceholder({ type, pythonType, compact }: { type: string; pythonType: string; compact: boolean }) {
  return (
    <span className="nw-w-typed" title={`Connect an output that gives a ${pythonType}`} data-testid="typed-placeholder">
      {compact ? '' : '← '}
      {connectText(type)}
    </span>
  );
}
