// Every string is translated: both catalogues hold the same keys, no text is empty or left in the other
// language's words, both use the same {parameters}, and every key the code uses exists (literal keys
// exactly; keys built from a prefix, e.g. `symptom.${key}`, need at least one key under that prefix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (lang) => JSON.parse(readFileSync(join(root, 'src/lib/i18n', `${lang}.json`), 'utf8'));
const vi = load('vi');
const en = load('en');
const params = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'generated' || name === 'i18n') continue;
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(svelte|ts)$/.test(name)) out.push(p);
  }
  return out;
}

test('both languages have exactly the same keys', () => {
  const missingEn = Object.keys(vi).filter((k) => !(k in en));
  const missingVi = Object.keys(en).filter((k) => !(k in vi));
  assert.deepEqual(missingEn, [], `missing in en.json: ${missingEn.join(', ')}`);
  assert.deepEqual(missingVi, [], `missing in vi.json: ${missingVi.join(', ')}`);
});

test('no text is empty and parameters agree', () => {
  for (const [k, v] of Object.entries(vi)) {
    assert.ok(v.trim(), `vi.json ${k} is empty`);
    assert.ok((en[k] ?? '').trim(), `en.json ${k} is empty`);
    assert.deepEqual(params(v), params(en[k] ?? ''), `parameters of ${k} differ`);
  }
});

test('Vietnamese texts are Vietnamese (not English left untranslated)', () => {
  // Texts identical in both languages are allowed only where they are names or codes.
  const same = Object.keys(vi).filter((k) => vi[k] === en[k]);
  assert.deepEqual(same, [], `identical in vi and en: ${same.join(', ')}`);
});

test('every key the code uses exists', () => {
  const files = sources(join(root, 'src'));
  assert.ok(files.length > 10, 'the UI sources were found');
  const missing = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_.]+)'/g)) if (!(m[1] in vi)) missing.push(`${m[1]} (${file})`);
    for (const m of text.matchAll(/\bt\(\s*`([A-Za-z0-9_.]+)\$\{/g)) {
      if (!Object.keys(vi).some((k) => k.startsWith(m[1]))) missing.push(`${m[1]}* (${file})`);
    }
    for (const m of text.matchAll(/'((?:signIn\.err|nav)\.[A-Za-z]+)'/g)) if (!(m[1] in vi)) missing.push(`${m[1]} (${file})`);
  }
  assert.deepEqual(missing, [], `keys used but not in the catalogues: ${missing.join(', ')}`);
});
