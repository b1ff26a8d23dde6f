// Lighthouse (npm `lighthouse`, a devDependency of ui/) on the web portal against a real tokhai-server:
// the registration page (`/place/register`) and a place manager's signed-in dashboard (`/place`), with
// Debian's Chromium. A printed benchmark (docs/benchmarks.md), never a test that fails on a score.
//
//   node ui/test/lighthouse/run.mjs [--runs N] [--only mobile|desktop] [--page registration|dashboard]
//
// It starts the server binary itself (TOKHAI_SERVER, else target/release or target/debug of
// CARGO_TARGET_DIR or ./target) in development mode on a free port with a fresh SQLite data folder,
// registers a checkpoint with the administrator command (a building with a floor, so the tree is not
// empty), signs its manager in through the API (the development SMS sender prints the one-time code), and
// hands the session cookie to Lighthouse. Each page is audited `--runs` times per form factor (Lighthouse's
// default mobile emulation with its simulated slow 4G and 4× CPU slowdown, and its desktop preset); the
// median score of each category is printed. The pages are the ones the binary embeds (build them first:
// `npm --prefix ui run build:portal`, then build the server).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import * as chromeLauncher from 'chrome-launcher';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const runs = Math.max(1, Number.parseInt(opt('runs', '3'), 10) || 1);
const only = opt('only', '');
const onlyPage = opt('page', '');
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

function serverBinary() {
  if (process.env.TOKHAI_SERVER) return process.env.TOKHAI_SERVER;
  const targets = [process.env.CARGO_TARGET_DIR, join(repo, 'target')].filter(Boolean);
  for (const t of targets) for (const p of ['release', 'debug']) if (existsSync(join(t, p, 'tokhai-server'))) return join(t, p, 'tokhai-server');
  throw new Error('no tokhai-server binary: set TOKHAI_SERVER or build it (cargo build --release -p tokhai-server)');
}

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const bin = serverBinary();
const dataDir = mkdtempSync(join(tmpdir(), 'tokhai-lighthouse-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const common = ['--data-dir', dataDir, '--mode', 'development'];
let stderr = '';
const server = spawn(bin, [...common, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
server.stderr.on('data', (d) => (stderr += d.toString()));
const stop = () => {
  if (server.exitCode === null) server.kill('SIGTERM');
};
process.on('exit', stop);

async function waitReady() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      /* not yet */
    }
    if (server.exitCode !== null) throw new Error(`tokhai-server exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('tokhai-server did not become ready');
}

async function json(method, path, body, headers = {}) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return { r, body: text ? JSON.parse(text) : null };
}

async function signIn(phone) {
  const before = stderr.length;
  await json('POST', '/v1/auth/otp', { phone });
  let code = null;
  for (let i = 0; i < 100 && !code; i++) {
    code = stderr.slice(before).match(/development SMS\] to \+84\d+: \D*(\d{6})/)?.[1] ?? null;
    if (!code) await new Promise((r) => setTimeout(r, 50));
  }
  if (!code) throw new Error('no one-time code printed by the development SMS sender');
  const { r, body } = await json('POST', '/v1/web/session', { phone, code });
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie.startsWith('tokhai_session=')) throw new Error('no session cookie');
  return { cookie, csrf: body.csrf };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

try {
  await waitReady();
  const phone = '0869000001';
  const out = execFileSync(
    bin,
    [...common, 'admin', 'register-checkpoint', '--phone', phone, '--name', 'Trung tâm Thương mại Sài Gòn', '--kind', 'market', '--province', '79', '--ward', '26743', '--street', '65 Lê Lợi'],
    { encoding: 'utf8', env: { ...process.env, RUST_LOG: 'warn' } },
  );
  const id = Number(out.match(/\b(\d+)\b/)?.[1]);
  const session = await signIn(phone);
  const auth = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  await json('POST', `/v1/checkpoints/${id}/children`, { name: 'Tầng 2', kind: 'office', scheme: 'v2025', province: 79, ward: 26743, street: '65 Lê Lợi' }, auth);

  const pages = [
    { name: 'registration', path: '/place/register', headers: {} },
    { name: 'dashboard (signed in)', path: '/place', headers: { Cookie: session.cookie } },
  ].filter((p) => !onlyPage || p.name.startsWith(onlyPage));
  const factors = [
    { name: 'mobile', config: undefined },
    { name: 'desktop', config: desktopConfig },
  ].filter((f) => !only || f.name === only);
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
  const rows = [];
  try {
    for (const page of pages) {
      for (const f of factors) {
        const scores = { performance: [], accessibility: [], 'best-practices': [] };
        const metrics = { fcp: [], lcp: [], tbt: [], cls: [] };
        for (let i = 0; i < runs; i++) {
          const result = await lighthouse(
            `${base}${page.path}`,
            { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: Object.keys(scores), extraHeaders: page.headers },
            f.config,
          );
          const lhr = result.lhr;
          if (lhr.runtimeError) throw new Error(`${page.path}: ${lhr.runtimeError.message}`);
          if (!lhr.finalDisplayedUrl.endsWith(page.path)) throw new Error(`${page.path} ended at ${lhr.finalDisplayedUrl}`);
          for (const c of Object.keys(scores)) scores[c].push(Math.round(lhr.categories[c].score * 100));
          metrics.fcp.push(lhr.audits['first-contentful-paint'].numericValue);
          metrics.lcp.push(lhr.audits['largest-contentful-paint'].numericValue);
          metrics.tbt.push(lhr.audits['total-blocking-time'].numericValue);
          metrics.cls.push(lhr.audits['cumulative-layout-shift'].numericValue);
          const failing = Object.values(lhr.audits).filter(
            (a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual' && a.scoreDisplayMode !== 'notApplicable',
          );
          if (i === 0 && failing.length) console.error(`  ${page.name} ${f.name}: below 0.9: ${failing.map((a) => `${a.id} (${a.score})`).join(', ')}`);
        }
        rows.push({
          page: page.name,
          form: f.name,
          performance: median(scores.performance),
          accessibility: median(scores.accessibility),
          'best-practices': median(scores['best-practices']),
          'FCP ms': Math.round(median(metrics.fcp)),
          'LCP ms': Math.round(median(metrics.lcp)),
          'TBT ms': Math.round(median(metrics.tbt)),
          CLS: median(metrics.cls).toFixed(3),
          runs: scores.performance.join('/'),
        });
      }
    }
  } finally {
    await chrome.kill();
  }
  const lhVersion = JSON.parse(readFileSync(join(here, '../../node_modules/lighthouse/package.json'), 'utf8')).version;
  console.log(`Lighthouse ${lhVersion}, ${chromePath}, ${bin}; median of ${runs} run(s)`);
  console.table(rows);
} finally {
  stop();
  rmSync(dataDir, { recursive: true, force: true });
}
