// Fails when the committed build (../nodeweave/static) does not match a fresh build of the
// sources: `pip install .` ships those files, so they must never lag behind react_ui/src.
//
//   node scripts/check-build.mjs      build into a temporary folder and compare
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = resolve(fileURLToPath(import.meta.url), '..', '..');
const committed = resolve(here, '..', 'nodeweave', 'static');

function listFiles(root) {
  const out = new Map();
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
  return out;
}

const outDir = mkdtempSync(join(tmpdir(), 'nodeweave-ui-build-'));
try {
  await build({ root: here, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const fresh = listFiles(outDir);
  const shipped = listFiles(committed);
  const problems = [];
  for (const [name, data] of fresh) {
    const old = shipped.get(name);
    if (!old) problems.push(`missing from nodeweave/static: ${name}`);
    else if (!old.equals(data)) problems.push(`differs: ${name}`);
  }
  for (const name of shipped.keys()) {
    if (!fresh.has(name)) problems.push(`stale file in nodeweave/static: ${name}`);
  }
  if (problems.length > 0) {
    console.error('nodeweave/static does not match react_ui/ — run `npm run build` in react_ui and commit:');
    for (const p of problems) console.error(`  ${p}`);
    process.exitCode = 1;
  } else {
    console.log(`nodeweave/static matches the sources (${fresh.size} files)`);
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
