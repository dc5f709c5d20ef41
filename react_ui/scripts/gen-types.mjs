#!/usr/bin/env node
// Generate src/protocol/generated.ts from ../docs/protocol.schema.json.
//
//   node scripts/gen-types.mjs          write the file
//   node scripts/gen-types.mjs --check  exit 1 when the file on disk differs (drift check)
//   --out <path>                         another output file (tests)
//
// Every `$defs` model becomes an exported TypeScript type (json-schema-to-typescript,
// compiled once as one document so cross-references resolve to the named types). Titles of
// nested subschemas are dropped first, so enums and properties stay inline instead of
// turning into ad-hoc named types ("Status1", "Id2", ...). The schema's `worker`/`hub`
// sections become the command/event maps the client is typed with.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const here = dirname(fileURLToPath(import.meta.url));
const SCHEMA_PATH = resolve(here, '../../docs/protocol.schema.json');
const DEFAULT_OUT_PATH = resolve(here, '../src/protocol/generated.ts');

const ROOT_NAME = 'NodeweaveProtocolRoot';

/** Remove `title` from every nested subschema (keep property *names* intact). */
function stripTitles(node, isTop) {
  if (Array.isArray(node)) return node.map((n) => stripTitles(n, false));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'title' && !isTop) continue;
    if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([pk, pv]) => [pk, stripTitles(pv, false)]),
      );
    } else if (k === 'default' || k === 'const' || k === 'enum' || k === 'examples') {
      out[k] = v; // data, not schema
    } else {
      out[k] = stripTitles(v, false);
    }
  }
  return out;
}

const TYPE_KEYWORDS = [
  'type', '$ref', 'anyOf', 'oneOf', 'allOf', 'not', 'enum', 'const', 'properties',
  'patternProperties', 'additionalProperties', 'items', 'prefixItems', 'tsType',
];

/** Schemas that constrain nothing (`{}`, `{"default": null}`) are `unknown`, not objects. */
function markUnconstrained(node) {
  if (Array.isArray(node)) return node.map(markUnconstrained);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' || k === '$defs' || k === 'patternProperties') {
      out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, markUnconstrainedSchema(pv)]));
    } else if (['items', 'additionalProperties', 'not'].includes(k) && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = markUnconstrainedSchema(v);
    } else if (['anyOf', 'oneOf', 'allOf', 'prefixItems'].includes(k) && Array.isArray(v)) {
      out[k] = v.map(markUnconstrainedSchema);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function markUnconstrainedSchema(schema) {
  if (schema === true) return { tsType: 'unknown' };
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  if (!TYPE_KEYWORDS.some((k) => k in schema)) return { ...schema, tsType: 'unknown' };
  return markUnconstrained(schema);
}

function refName(ref) {
  const m = /^#\/\$defs\/(.+)$/.exec(ref ?? '');
  if (!m) throw new Error(`unexpected $ref ${JSON.stringify(ref)}`);
  return m[1];
}

function sq(text) {
  return `'${String(text).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function quoteKey(k) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : sq(k);
}

function docComment(doc, indent) {
  if (!doc) return '';
  return `${indent}/** ${String(doc).replace(/\*\//g, '*\\/')} */\n`;
}

function commandMap(name, section, what) {
  const entries = Object.keys(section.commands ?? {}).sort();
  let s = `/** ${what} commands: name → { args, result }. */\nexport interface ${name} {\n`;
  for (const cmd of entries) {
    const c = section.commands[cmd];
    s += docComment(c.doc, '  ');
    s += `  ${quoteKey(cmd)}: { args: ${refName(c.args.$ref)}; result: ${refName(c.result.$ref)} };\n`;
  }
  return s + '}\n';
}

function eventMap(name, section, what) {
  const entries = Object.keys(section.events ?? {}).sort();
  let s = `/** ${what} events: name → data. */\nexport interface ${name} {\n`;
  for (const ev of entries) {
    const e = section.events[ev];
    s += docComment(e.doc, '  ');
    s += `  ${quoteKey(ev)}: ${refName(e.data.$ref)};\n`;
  }
  return s + '}\n';
}

export async function generate() {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  const defs = schema.$defs ?? {};
  const names = Object.keys(defs).sort();
  const cleanDefs = {};
  for (const n of names) cleanDefs[n] = { ...markUnconstrainedSchema(stripTitles(defs[n], true)), title: n };

  // One document: a root object referencing every def, so each def is emitted exactly once
  // under its own name. The root interface itself is dropped from the output afterwards.
  const root = {
    title: ROOT_NAME,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(names.map((n) => [n, { $ref: `#/$defs/${n}` }])),
    required: names,
    $defs: cleanDefs,
  };
  let body = await compile(root, ROOT_NAME, {
    bannerComment: '',
    additionalProperties: false,
    unreachableDefinitions: true,
    declareExternallyReferenced: true,
    enableConstEnums: false,
    strictIndexSignatures: false,
    format: true,
    style: { singleQuote: true, printWidth: 100 },
  });
  // Drop the synthetic root interface.
  body = body.replace(new RegExp(`export interface ${ROOT_NAME} \\{[\\s\\S]*?\\n\\}\\n\\n?`), '');
  // Drop json-schema-to-typescript's "referenced by the root" notes (noise here).
  body = body
    .replace(/( \*\n)? \* This interface was referenced by `[^`]+`'s JSON-Schema\n \* via the `definition` "[^"]+"\.\n/g, '')
    .replace(/\/\*\*\n \*\/\n/g, '');
  for (const n of names) {
    if (!new RegExp(`export (interface|type) ${n}\\b`).test(body)) {
      throw new Error(`generated output lacks a type for $defs/${n}`);
    }
  }

  const codes = schema.error_codes ?? {};
  const codeKeys = Object.keys(codes).sort();
  let extra = '';
  extra += `/** Protocol version these types were generated from. */\n`;
  extra += `export const PROTOCOL_VERSION = ${JSON.stringify(schema.protocol_version)} as const;\n\n`;
  extra += `/** Stable error codes (see docs/protocol.md). */\nexport type ErrorCode =\n`;
  extra += codeKeys.map((c) => `  | ${sq(c)}`).join('\n') + ';\n\n';
  extra += `export const ERROR_CODES: Readonly<Record<ErrorCode, string>> = {\n`;
  extra += codeKeys.map((c) => `  ${quoteKey(c)}: ${sq(codes[c])},`).join('\n') + '\n};\n\n';
  extra += commandMap('WorkerCommands', schema.worker ?? {}, 'Worker') + '\n';
  extra += eventMap('WorkerEvents', schema.worker ?? {}, 'Worker') + '\n';
  extra += commandMap('HubCommands', schema.hub ?? {}, 'Hub') + '\n';
  extra += eventMap('HubEvents', schema.hub ?? {}, 'Hub');

  const header =
    '/* eslint-disable */\n' +
    '// GENERATED FILE — do not edit by hand.\n' +
    '// Source: docs/protocol.schema.json. Regenerate with `npm run gen:types`;\n' +
    '// `npm run gen:types -- --check` fails when this file drifts from the schema.\n\n';
  return header + body.trimEnd() + '\n\n' + extra;
}

async function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const outIdx = args.indexOf('--out');
  const OUT_PATH = outIdx >= 0 && args[outIdx + 1] ? resolve(args[outIdx + 1]) : DEFAULT_OUT_PATH;
  const text = await generate();
  if (check) {
    const current = existsSync(OUT_PATH) ? readFileSync(OUT_PATH, 'utf8') : null;
    if (current !== text) {
      console.error(
        `gen:types --check: ${OUT_PATH} is ${current === null ? 'missing' : 'out of date'}; run \`npm run gen:types\`.`,
      );
      process.exit(1);
    }
    console.log('gen:types --check: generated.ts is up to date');
    return;
  }
  mkdirSync(dirname(OUT_PATH), { recursive: true });
  writeFileSync(OUT_PATH, text);
  console.log(`wrote ${OUT_PATH}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
