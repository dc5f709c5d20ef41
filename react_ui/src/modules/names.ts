// Names of module files: what the worker accepts (a file directly in modules/).

const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*\.py$/;

/** "my nodes" → null; "my_nodes" → "my_nodes.py"; "my_nodes.py" → itself. */
export function moduleFileName(input: string): string | null {
  const t = input.trim();
  if (!t) return null;
  const name = t.endsWith('.py') ? t : `${t}.py`;
  return MODULE_NAME.test(name) ? name : null;
}

export const MODULE_NAME_HINT = 'Letters, digits and _, not starting with a digit (e.g. my_nodes)';
