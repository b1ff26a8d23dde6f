// The web portal's catalogues (ui/portal/src/portal/{vi,en}.json) under the same rules as the app's: the same
// keys, nothing empty, the same {parameters}, Vietnamese not left in English, every key the portal uses exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'portal', 'src');
const load = (lang) => JSON.parse(readFileSync(join(root, 'portal', `${lang}.json`), 'utf8'));
const vi = load('vi');
const en = load('en');
const params = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(svelte|ts)$/.test(name)) out.push(p);
  }
  return out;
}

test('portal: both languages have exactly the same keys', () => {
  assert.deepEqual(Object.keys(vi).filter((k) => !(k in en)), []);
  assert.deepEqual(Object.keys(en).filter((k) => !(k in vi)), []);
});

test('portal: no text is empty, parameters agree, Vietnamese is not English', () => {
  for (const [k, v] of Object.entries(vi)) {
    assert.ok(v.trim(), `vi ${k} is empty`);
    assert.ok((en[k] ?? '').trim(), `en ${k} is empty`);
    assert.deepEqual(params(v), params(en[k] ?? ''), `parameters of ${k} differ`);
    assert.notEqual(v, en[k], `${k} is the same in both languages`);
  }
});

test('portal: every key the code uses exists', () => {
  const files = sources(root);
  assert.ok(files.length > 10, 'the portal sources were found');
  const missing = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:t|both)\(\s*'([A-Za-z0-9_.]+)'/g)) if (!(m[1] in vi)) missing.push(`${m[1]} (${file})`);
    for (const m of text.matchAll(/\bt\(\s*`([A-Za-z0-9_.]+)\$\{/g)) {
      if (!Object.keys(vi).some((k) => k.startsWith(m[1]))) missing.push(`${m[1]}* (${file})`);
    }
    for (const m of text.matchAll(/key: '([A-Za-z0-9_.]+)'/g)) if (!(m[1] in vi)) missing.push(`${m[1]} (${file})`);
  }
  assert.deepEqual(missing, [], `keys used but not in the catalogues: ${missing.join(', ')}`);
});
