// The web portal in Debian's Chromium (playwright-core), against the real tokhai-server that the Rust test
// tests/tests/portal/main.rs starts (SQLite or PostgreSQL). BASE_URL is the server, HOOK_URL the test's
// hook (captcha answers, one-time codes, roles, clock, simulated devices, poster decoding).
//
// The done-when scenario of issue 11: a place registers (captcha through the hook), signs in, adds a floor
// and a room, downloads its poster, which core decodes; devices check in at the room and sync; the manager
// sees them live and checks everyone out; an officer opens a case, traces it (F1 and F2 with minutes, per
// checkpoint and rolled up to the building), exports CSV, publishes an exposure and a safety level; the
// public page shows it; the audit log lists the trace. Bad input gets its message next to the field in
// both languages; a second tab, an expired session, a replayed CSRF token and cross-account URLs are
// refused. A citizen signs in, gets core's message next to a bad field (vi and en), declares for
// herself and a child, and prints her personal QR card, which core decodes; she records her child's
// quarantine and files today's health report (core's message next to a bad temperature), which the
// officer's quarantine compliance counts. No CSP violation and no page error anywhere. With SCREENSHOTS=dir, screenshots of every page
// (vi and en, phone and desktop widths) and axe-core's serious/critical findings are written there.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';

const BASE = process.env.BASE_URL;
const HOOK = process.env.HOOK_URL;
const SHOTS = process.env.SCREENSHOTS ?? '';
const DB = process.env.DB ?? 'db';
const here = dirname(fileURLToPath(import.meta.url));
const axeSource = readFileSync(join(here, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const problems = [];
const axeFindings = [];
let step = 'start';

function log(msg) {
  step = msg;
  process.stderr.write(`[portal ${DB}] ${msg}\n`);
}

async function hook(path, body) {
  const r = await fetch(`${HOOK}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body instanceof Uint8Array ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  assert.equal(r.status, 200, `hook ${path}`);
  return r.json();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});

/** A browser context (its own cookies) with an eye on page errors and CSP violations. */
async function context(name) {
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  ctx.on('page', (p) => watch(p, name));
  return ctx;
}
function watch(page, name) {
  page.on('pageerror', (e) => problems.push(`${name}: page error ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`${name}: ${m.text()}`);
  });
  page.on('dialog', (d) => void d.accept());
}

/** Captcha ids the page fetched (newest last). */
function captchaIds(page) {
  const ids = [];
  page.on('response', async (r) => {
    if (r.url().endsWith('/v1/captcha') && r.request().method() === 'POST' && r.status() === 201) {
      try {
        ids.push((await r.json()).id);
      } catch {
        /* ignore */
      }
    }
  });
  return ids;
}

async function waitFor(f, what, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function lang(page, l) {
  await page.click(`.lang button[lang="${l}"]`);
}

/** A fetch from inside the page (its cookie; CSRF header only when given). */
async function inPage(page, method, path, { csrf = null, body = undefined } = {}) {
  return page.evaluate(
    async ({ method, path, csrf, body }) => {
      const headers = { 'content-type': 'application/json' };
      if (csrf) headers['x-csrf-token'] = csrf;
      const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      let json = null;
      try {
        json = await r.json();
      } catch {
        /* empty */
      }
      return { status: r.status, json };
    },
    { method, path, csrf, body },
  );
}

async function csrfOf(page) {
  const r = await inPage(page, 'GET', '/v1/web/session');
  assert.equal(r.status, 200);
  return r.json.csrf;
}

/** Screenshots (vi/en, phone/desktop) and axe-core's serious and critical findings for the page as it is. */
async function shoot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const l of ['vi', 'en']) {
    await lang(page, l);
    for (const [w, h, tag] of [
      [390, 844, 'phone'],
      [1280, 900, 'desktop'],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(SHOTS, `${name}-${l}-${tag}.png`), fullPage: true });
    }
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
    });
    for (const v of result) axeFindings.push({ page: name, lang: l, ...v });
  }
  await page.setViewportSize(original);
  await lang(page, 'vi');
}

async function signIn(page, phone) {
  await page.fill('#signin-phone', phone);
  await page.click('form button[type=submit]');
  await page.waitForSelector('#signin-code');
  const { code } = await hook(`/otp?phone=${phone}`);
  assert.ok(code, 'a code was sent');
  await page.fill('#signin-code', code);
  await page.click('form button[type=submit]');
  await page.waitForSelector('#sign-out');
}

async function run() {
  // ---- Serving: headers on pages, the API's JSON beside them.
  log('security headers');
  const home = await fetch(`${BASE}/`);
  assert.equal(home.status, 200);
  const csp = home.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self' 'sha256-/);
  assert.equal(home.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(home.headers.get('x-frame-options'), 'DENY');
  const deep = await fetch(`${BASE}/place/dashboard-bookmark`);
  assert.equal(deep.status, 200, 'a route path opens the app');
  const api404 = await fetch(`${BASE}/v1/nothing`);
  assert.equal(api404.status, 404);
  assert.equal((await api404.json()).error.code, 'not_found');

  // ---- A place registers.
  const manager = await context('manager');
  const page = await manager.newPage();
  const captchas = captchaIds(page);
  await page.goto(`${BASE}/`);
  await shoot(page, 'home');
  await page.goto(`${BASE}/place/register`);
  await waitFor(() => captchas.length > 0, 'the captcha');
  log('register: bad input, both languages');
  await page.click('#reg-submit');
  assert.equal(await page.textContent('#reg-name-error'), 'Vui lòng điền mục này.');
  assert.equal(await page.textContent('#reg-kind-error'), 'Vui lòng chọn một mục.');
  await page.fill('#reg-phone', '12345');
  await page.fill('#reg-latitude', '123');
  await page.click('#reg-submit');
  assert.match(await page.textContent('#reg-phone-error'), /Số điện thoại không đúng/);
  assert.match(await page.textContent('#reg-latitude-error'), /từ -90 đến 90/);
  await lang(page, 'en');
  await page.click('#reg-submit');
  assert.equal(await page.textContent('#reg-name-error'), 'Please fill this in.');
  assert.match(await page.textContent('#reg-phone-error'), /Not a phone number/);
  assert.match(await page.textContent('#reg-latitude-error'), /from -90 to 90/);
  await shoot(page, 'register-errors');
  await lang(page, 'vi');

  log('register: the form');
  const phone = '0869000001';
  await page.fill('#reg-name', 'Trung tâm Thương mại Sài Gòn');
  await page.selectOption('#reg-kind', 'office');
  await page.fill('#reg-phone', phone);
  await page.selectOption('#reg-province', '79');
  await waitFor(async () => (await page.locator('#reg-ward option').count()) > 10, 'the wards of province 79');
  await page.selectOption('#reg-ward', '26743');
  await page.fill('#reg-street', '65 Lê Lợi');
  await page.fill('#reg-latitude', '10.7731');
  await page.fill('#reg-longitude', '106.7004');
  await page.fill('#reg-description', 'Cổng chính');
  // A wrong captcha answer: the server's message next to the captcha, a new image, nothing lost.
  await page.fill('#captcha-answer', 'WRONG');
  const before = captchas.length;
  await page.click('#reg-submit');
  await page.waitForSelector('#captcha-error');
  assert.match(await page.textContent('#captcha-error'), /mã bảo mật|captcha/i);
  await waitFor(() => captchas.length > before, 'a new captcha');
  assert.equal(await page.inputValue('#reg-name'), 'Trung tâm Thương mại Sài Gòn');
  const { answer } = await hook(`/captcha?id=${captchas.at(-1)}`);
  await page.fill('#captcha-answer', answer);
  await page.click('#reg-submit');
  await page.waitForSelector('#registered');
  const fallback = (await page.textContent('#fallback-code')).trim();
  assert.match(fallback, /^\d{4}-[0-9A-Z]{4}$/);
  assert.match(await page.textContent('main'), /0869…/);
  await shoot(page, 'registered');

  log('sign in on the success page; poster decoded by core');
  await signIn(page, phone);
  const mine = await inPage(page, 'GET', '/v1/checkpoints');
  assert.equal(mine.status, 200);
  const root = mine.json[0];
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#poster-pdf-${root.id}`)]);
  const pdfPath = join(tmpdir(), `tokhai-poster-${DB}-${Date.now()}.pdf`);
  await download.saveAs(pdfPath);
  const pdf = readFileSync(pdfPath);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const decoded = await hook('/decode', new Uint8Array(pdf));
  assert.deepEqual(decoded.texts, [root.code], 'the poster decodes to the checkpoint code');
  await shoot(page, 'registered-signed-in');

  log('dashboard: a floor and a room');
  await page.goto(`${BASE}/place`);
  await page.waitForSelector('#cp-title');
  const addChild = async (name) => {
    await page.click('summary:has-text("Thêm tầng")');
    await page.fill('#child-name', name);
    await page.click('#child-submit');
    await page.waitForSelector(`#cp-title:has-text("${name}")`);
  };
  // Bad input on the sub-checkpoint form.
  await page.click('summary:has-text("Thêm tầng")');
  await page.click('#child-submit');
  assert.equal(await page.textContent('#child-name-error'), 'Vui lòng điền mục này.');
  await page.click('summary:has-text("Thêm tầng")');
  await addChild('Tầng 2');
  await addChild('Phòng 201');
  const tree = (await inPage(page, 'GET', '/v1/checkpoints')).json;
  const floor = tree.find((c) => c.name === 'Tầng 2');
  const room = tree.find((c) => c.name === 'Phòng 201');
  assert.equal(floor.parent, root.id);
  assert.equal(room.parent, floor.id);

  log('cross-account URLs and CSRF');
  const other = await hook('/register', { phone: '0869000002', name: 'Chợ khác' });
  for (const path of [`/v1/checkpoints/${other.id}`, `/v1/checkpoints/${other.id}/visits`, `/v1/checkpoints/${other.id}/poster`]) {
    const r = await inPage(page, 'GET', path);
    assert.equal(r.status, 403, path);
  }
  const csrf = await csrfOf(page);
  assert.equal((await inPage(page, 'POST', `/v1/checkpoints/${other.id}/checkout-all`, { csrf })).status, 403);
  const noToken = await inPage(page, 'POST', `/v1/checkpoints/${room.id}/checkout-all`);
  assert.equal(noToken.status, 403);
  assert.match(noToken.json.error.en, /Reload the page/);
  const forged = await inPage(page, 'POST', `/v1/checkpoints/${room.id}/checkout-all`, { csrf: 'AAAA' });
  assert.equal(forged.status, 403);
  assert.equal((await inPage(page, 'POST', `/v1/checkpoints/${room.id}/checkout-all`, { csrf })).status, 200);
  // The session cookie is HttpOnly and SameSite=Strict: the page cannot read it.
  assert.equal(await page.evaluate(() => document.cookie.includes('tokhai_session')), false);
  const cookies = await manager.cookies();
  const sc = cookies.find((c) => c.name === 'tokhai_session');
  assert.ok(sc && sc.httpOnly && sc.sameSite === 'Strict', 'HttpOnly SameSite=Strict cookie');

  log('devices check in at the room; the manager sees them live and checks everyone out');
  const visit = await hook('/visit', { checkpoint: room.id, devices: [1, 2], names: ['TRẦN VĂN CA', 'NGUYỄN VĂN BA'] });
  const [casePhone] = visit.phones;
  await page.click(`.node[data-id="${room.id}"]`);
  await page.waitForSelector('#cp-title:has-text("Phòng 201")');
  await waitFor(async () => (await page.textContent('#present')) === '2', 'two people present on the dashboard', 20_000);
  assert.equal(await page.locator('#arrivals tbody tr').count(), 2);
  await page.fill(`#headcount-${room.id}`, '4');
  await page.click(`form:has(#headcount-${room.id}) button[type=submit]`);
  assert.equal(await page.textContent('#coverage'), '50%');
  await shoot(page, 'dashboard');
  await hook('/advance', { minutes: 30 });
  await page.click('#checkout-all');
  await waitFor(async () => /2/.test((await page.textContent('#closed-msg')) ?? ''), 'the check-out of everyone');
  await waitFor(async () => (await page.textContent('#present')) === '0', 'nobody present');
  // After the case's contact left the room, they meet a third person on the floor (F2).
  await hook('/visit', { checkpoint: floor.id, devices: [2, 3], names: ['NGUYỄN VĂN BA', 'LÊ THỊ HAI'], minutes: 20 });

  log('officer: case, trace, export, exposure, safety level, audit');
  const officerPhone = '0911111111';
  await hook('/officer', { phone: officerPhone });
  const office = await context('officer');
  const op = await office.newPage();
  await op.goto(`${BASE}/office`);
  await signIn(op, officerPhone);
  await op.waitForSelector('#case-submit');
  await op.click('#case-submit');
  assert.equal(await op.textContent('#case-phone-error'), 'Vui lòng điền mục này.');
  assert.equal(await op.textContent('#case-purpose-error'), 'Vui lòng điền mục này.');
  await lang(op, 'en');
  await op.click('#case-submit');
  assert.equal(await op.textContent('#case-purpose-error'), 'Please fill this in.');
  await lang(op, 'vi');
  await op.fill('#case-phone', casePhone);
  await op.selectOption('#case-province', '79');
  await waitFor(async () => (await op.locator('#case-ward option').count()) > 10, 'wards');
  await op.selectOption('#case-ward', '26743');
  // A test date in the future is refused by core's rules, next to the field.
  await op.fill('#case-test', '2026-06-30');
  // The purpose is a reason from core's list and the officer's words (10 characters at least).
  await op.fill('#case-purpose', 'ca F0');
  await op.click('#case-submit');
  assert.equal(await op.textContent('#case-purpose-error'), 'Mô tả mục đích từ 10 đến 200 ký tự, có chữ.');
  assert.equal(await op.inputValue('#case-reason'), 'case_investigation');
  await op.fill('#case-purpose', 'Điều tra dịch tễ ca F0');
  await op.click('#case-submit');
  await op.waitForSelector('#case-test-error');
  await op.fill('#case-test', '2026-05-20');
  await op.click('#case-submit');
  await op.waitForSelector('#trace-submit');
  const caseId = await op.inputValue('#trace-case');
  assert.match(caseId, /^\d+$/);
  await op.click('#trace-submit');
  assert.equal(await op.textContent('#trace-purpose-error'), 'Vui lòng điền mục này.');
  await op.fill('#trace-purpose', 'Truy vết ca F0');
  await op.click('#trace-submit');
  await op.waitForSelector('#trace-table');
  const rows = async () => op.$$eval('#trace-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent.trim())));
  let table = await rows();
  const f1 = table.filter((r) => r[0] === 'F1');
  const f2 = table.filter((r) => r[0] === 'F2');
  assert.ok(f1.some((r) => r[1] === 'NGUYỄN VĂN BA' && Number(r[3]) >= 30), `F1 with minutes: ${JSON.stringify(table)}`);
  assert.ok(f1.some((r) => r[5].includes(`#${room.id}`)), 'F1 at the room');
  assert.ok(f2.some((r) => r[1] === 'LÊ THỊ HAI' && Number(r[3]) >= 20), `F2 with minutes: ${JSON.stringify(table)}`);
  await shoot(op, 'trace');
  await op.check('#trace-building');
  await op.click('#trace-submit');
  await waitFor(async () => /tòa nhà/.test(await op.textContent('#trace-counts')), 'the building roll-up');
  table = await rows();
  const byBuilding = table.filter((r) => r[0] === 'F1');
  // Rolled up to the building, the floor's visitor met the case in the same building: F1, not F2.
  assert.ok(byBuilding.some((r) => r[1] === 'LÊ THỊ HAI' && r[5].includes(`#${floor.id}`)), `rolled up to the building: ${JSON.stringify(table)}`);
  assert.ok(!table.some((r) => r[0] === 'F2' && r[1] === 'LÊ THỊ HAI'), 'not F2 on the building');
  const [csv] = await Promise.all([op.waitForEvent('download'), op.click('#trace-csv')]);
  const csvText = readFileSync(await csv.path(), 'utf8');
  const lines = csvText.trim().split(/\r?\n/);
  assert.ok(lines.length >= 3, csvText);
  for (const line of lines) for (const cell of line.split(',')) assert.doesNotMatch(cell.replace(/^"/, ''), /^[=+\-@\t\r]/, `formula-safe: ${line}`);

  await op.click('#tab-exposure');
  await op.click('#exp-submit');
  assert.equal(await op.textContent('#exp-advice-error'), 'Vui lòng điền mục này.');
  await op.fill('#exp-checkpoint', String(room.id));
  await op.fill('#exp-start', '2026-05-20T15:30');
  await op.fill('#exp-end', '2026-05-20T15:00');
  await op.fill('#exp-advice', 'Theo dõi sức khỏe 14 ngày');
  await op.click('#exp-submit');
  assert.match(await op.textContent('#exp-end-error'), /sau thời điểm bắt đầu/);
  await op.fill('#exp-start', '2026-05-20T15:00');
  await op.fill('#exp-end', '2026-05-20T15:30');
  await op.click('#exp-submit');
  await op.waitForSelector('#exp-done');
  await shoot(op, 'exposure');

  await op.click('#tab-safety');
  await op.click('#sl-submit');
  assert.equal(await op.textContent('#sl-level-error'), 'Vui lòng chọn một mục.');
  await op.selectOption('#sl-province', '79');
  await waitFor(async () => (await op.locator('#sl-ward option').count()) > 10, 'wards');
  await op.selectOption('#sl-ward', '26743');
  await op.selectOption('#sl-level', '3');
  await op.click('#sl-submit');
  await op.waitForSelector('#sl-done');

  await op.click('#tab-audit');
  // The audit log names the reason in the reader's language, then the officer's words.
  await op.waitForSelector('#audit-table tbody tr td:has-text("Truy vết tiếp xúc: Truy vết ca F0")');
  await shoot(op, 'audit');

  log('cross-account: a manager cannot trace a case, an officer cannot reach a place');
  const managerTrace = await inPage(page, 'GET', `/v1/cases/${caseId}/trace?purpose=x`);
  assert.equal(managerTrace.status, 403);
  assert.equal((await inPage(op, 'GET', `/v1/checkpoints/${room.id}/visits`)).status, 403);
  // A CSRF token replayed from another session (the manager's) is refused in the officer's.
  const replayed = await inPage(op, 'PUT', '/v1/officer/safety-levels', { csrf, body: { province: 79, ward: 26743, level: 1 } });
  assert.equal(replayed.status, 403);

  log('public safety page, no sign-in');
  const anon = await context('public');
  const pub = await anon.newPage();
  await pub.goto(`${BASE}/safety`);
  await pub.waitForSelector('#safety-table');
  const pubRow = await pub.textContent('#safety-table tbody');
  assert.match(pubRow, /Bến Thành/);
  assert.match(pubRow, /nguy cơ cao/);
  await shoot(pub, 'safety');

  // ---- A citizen without a smartphone declares on the web, for herself and her child, and prints the card.
  log('citizen: sign in, presence checks, a bad field refused by core next to it (vi and en)');
  const citizen = await context('citizen');
  const cz = await citizen.newPage();
  await cz.goto(`${BASE}/citizen`);
  await signIn(cz, '0912880001');
  await cz.waitForSelector('#citizen-none');
  await shoot(cz, 'citizen-empty');
  await cz.click('#citizen-declare-self');
  await cz.waitForSelector('#citizen-form');
  await cz.click('#declare-save');
  assert.equal(await cz.textContent('#full_name-error'), 'Vui lòng điền mục này.');
  assert.equal(await cz.textContent('#sex-error'), 'Vui lòng chọn một mục.');
  assert.equal(await cz.textContent('#addr-ward-error'), 'Vui lòng chọn một mục.');
  await cz.fill('#full_name', 'nguyễn thị bình');
  await cz.selectOption('#id_kind', 'cccd');
  await cz.fill('#id_number', '079190001234');
  await cz.fill('#birth_year', '1800');
  await cz.check('#sex-female');
  await cz.selectOption('#addr-province', '79');
  await waitFor(async () => (await cz.locator('#addr-ward option').count()) > 10, 'wards');
  await cz.selectOption('#addr-ward', '26743');
  await cz.fill('#street', '12 Lê Lợi');
  await cz.fill('#phone', '0912880001');
  await cz.click('#declare-save');
  // Core's rule, from the server, next to the field; the other fields are clear.
  await cz.waitForSelector('#birth_year-error');
  assert.match(await cz.textContent('#birth_year-error'), /^Năm sinh phải từ \d{4} đến \d{4}\.$/);
  assert.equal(await cz.locator('#full_name-error').count(), 0);
  assert.equal(await cz.getAttribute('#birth_year', 'aria-invalid'), 'true');
  assert.match(await cz.textContent('#declare-error'), /1 mục cần sửa/);
  await lang(cz, 'en');
  assert.match(await cz.textContent('#birth_year-error'), /^The year of birth must be between \d{4} and \d{4}\.$/);
  await shoot(cz, 'citizen-form-errors');
  await lang(cz, 'vi');

  log('citizen: declares correctly');
  await cz.fill('#birth_year', '1990');
  await cz.click('#declare-save');
  await cz.waitForSelector('#citizen-saved');
  assert.match(await cz.textContent('#citizen-saved'), /NGUYỄN THỊ BÌNH/);
  assert.equal(await cz.locator('#citizen-people .person').count(), 1);
  assert.equal(await cz.locator('#citizen-declare-self').count(), 0, 'the holder has declared');

  log('citizen: adds a dependant (a child without a document or a phone)');
  await cz.click('#citizen-add-dependant');
  await cz.waitForSelector('#citizen-form');
  await cz.fill('#full_name', 'Lê Minh An');
  await cz.selectOption('#id_kind', 'none');
  await cz.fill('#birth_year', '2020');
  await cz.check('#sex-male');
  await cz.selectOption('#addr-province', '79');
  await waitFor(async () => (await cz.locator('#addr-ward option').count()) > 10, 'wards');
  await cz.selectOption('#addr-ward', '26743');
  await cz.fill('#street', '12 Lê Lợi');
  await shoot(cz, 'citizen-form');
  await cz.click('#declare-save');
  await cz.waitForSelector('#citizen-saved');
  assert.equal(await cz.locator('#citizen-people .person').count(), 2);
  const names = await cz.locator('#citizen-people .person .name').allTextContents();
  assert.deepEqual(names, ['NGUYỄN THỊ BÌNH', 'LÊ MINH AN']);
  await shoot(cz, 'citizen-people');

  log('citizen: prints the card, which core decodes');
  const holder = await cz.getAttribute('#citizen-people .person >> nth=0', 'data-person');
  await cz.click('#citizen-card-0');
  await cz.waitForSelector('#card-image');
  await waitFor(async () => cz.evaluate(() => document.querySelector('#card-image')?.naturalWidth > 0), 'the card image');
  const cardBytes = await cz.evaluate(async (p) => {
    const r = await fetch(`/v1/me/card?person=${p}`);
    return Array.from(new Uint8Array(await r.arrayBuffer()));
  }, holder);
  const decodedCard = await hook('/decode', new Uint8Array(cardBytes));
  assert.equal(decodedCard.texts.length, 1, JSON.stringify(decodedCard));
  assert.match(decodedCard.texts[0], /^TKP1:/, 'a personal code');
  const [cardPdf] = await Promise.all([cz.waitForEvent('download'), cz.click('#card-pdf')]);
  assert.match(readFileSync(await cardPdf.path()).subarray(0, 4).toString(), /%PDF/);
  await shoot(cz, 'citizen-card');
  if (SHOTS) {
    await cz.emulateMedia({ media: 'print' });
    await cz.screenshot({ path: join(SHOTS, 'citizen-card-print.png'), fullPage: true });
    await cz.emulateMedia({ media: 'screen' });
  }
  await cz.click('#card-back');
  await cz.waitForSelector('#citizen-people');

  log('citizen: the room\'s manager scans the card; the citizen sees the visit in her history');
  const { server_time: serverTime } = await (await fetch(`${BASE}/v1/sync/pull?limit=1`)).json();
  const scanned = await inPage(page, 'POST', '/v1/sync/scans', {
    csrf: await csrfOf(page),
    body: { scans: [{ id: crypto.randomUUID(), checkpoint: room.id, code: decodedCard.texts[0], scanned_at: serverTime, checked_out_at: null }] },
  });
  assert.equal(scanned.status, 200, JSON.stringify(scanned.json));
  assert.equal(scanned.json.items[0].status, 'accepted', JSON.stringify(scanned.json));
  await cz.reload();
  await cz.waitForSelector('#visits-table');
  assert.match(await cz.textContent('#visits-table tbody'), /Nhân viên quét thẻ/);
  await shoot(cz, 'citizen-visits');

  // ---- The daily health report for people in quarantine, on the web (the child's home quarantine).
  log('citizen: records a quarantine for her child; core\'s rule next to the field (vi and en)');
  const child = await cz.getAttribute('#citizen-people .person >> nth=1', 'data-person');
  await cz.waitForSelector('#health-none');
  await cz.waitForSelector('#order-form');
  const startDay = await cz.inputValue('#order-start');
  assert.equal(startDay, '2026-05-20', "the first day defaults to the server's today");
  const plusDays = (d, n) => new Date(Date.parse(d) + n * 86400_000).toISOString().slice(0, 10);
  await cz.selectOption('#order-person', child);
  await cz.selectOption('#order-kind', 'home');
  await cz.fill('#order-place', '12 Lê Lợi');
  await cz.fill('#order-end', plusDays(startDay, -1));
  await cz.click('#order-submit');
  await cz.waitForSelector('#order-end-error');
  assert.equal(await cz.textContent('#order-end-error'), 'Ngày kết thúc cách ly phải sau ngày bắt đầu.');
  assert.equal(await cz.getAttribute('#order-end', 'aria-invalid'), 'true');
  await lang(cz, 'en');
  assert.equal(await cz.textContent('#order-end-error'), 'The quarantine must end after it starts.');
  await lang(cz, 'vi');
  await cz.fill('#order-end', plusDays(startDay, 13));
  await cz.click('#order-submit');
  await cz.waitForSelector('#order-saved');
  assert.equal(await cz.textContent('#order-saved'), 'Đã ghi đợt cách ly của LÊ MINH AN.');
  await cz.waitForSelector('#hr-form-0');
  assert.equal(await cz.textContent('#episode-0 .name'), 'LÊ MINH AN');

  log('citizen: today\'s report; a bad temperature gets core\'s message next to it (vi and en)');
  await cz.fill('#hr-temperature-0', '45');
  await cz.click('#hr-submit-0');
  await cz.waitForSelector('#hr-temperature-0-error');
  assert.equal(await cz.textContent('#hr-temperature-0-error'), 'Nhiệt độ phải từ 34,0 đến 43,0 °C; vui lòng đo lại.');
  await lang(cz, 'en');
  assert.equal(await cz.textContent('#hr-temperature-0-error'), 'The temperature must be between 34.0 and 43.0 °C; please measure again.');
  await shoot(cz, 'citizen-report-errors');
  await lang(cz, 'vi');
  await cz.fill('#hr-temperature-0', '37,2');
  await cz.check('#hr-cough-0-yes');
  await cz.fill('#hr-note-0', 'Ho nhẹ buổi sáng');
  await cz.click('#hr-submit-0');
  await cz.waitForSelector('#hr-saved-0');
  assert.match(await cz.textContent('#hr-saved-0'), /20\/05/);
  await cz.waitForSelector('#hr-none-0');
  await cz.click('#episode-0 summary');
  assert.match(await cz.getAttribute(`#hr-calendar-0 li[data-day="${startDay}"]`, 'class'), /\bdone\b/);
  assert.equal(await cz.locator('#hr-calendar-0 li').count(), 14);
  await shoot(cz, 'citizen-quarantine');
  const myQuarantine = await inPage(cz, 'GET', '/v1/me/quarantine');
  assert.equal(myQuarantine.status, 200);
  const episodeId = myQuarantine.json.episodes[0].episode.id;
  // A second report for the same day is refused (one report a day); another account cannot report.
  const again = await inPage(cz, 'POST', '/v1/me/reports', { csrf: await csrfOf(cz), body: { episode: episodeId, temperature: '36,5' } });
  assert.equal(again.status, 409);
  const foreign = await inPage(page, 'POST', '/v1/me/reports', { csrf: await csrfOf(page), body: { episode: episodeId, temperature: '36,5' } });
  assert.equal(foreign.status, 404);

  log('officer: quarantine compliance counts the web report');
  await op.click('#tab-quarantine');
  await op.selectOption('#q-province', '79');
  await waitFor(async () => (await op.locator('#q-ward option').count()) > 10, 'wards');
  await op.selectOption('#q-ward', '26743');
  await op.fill('#q-day', startDay);
  await op.click('#q-submit');
  await op.waitForSelector('#q-table');
  const qRows = await op.$$eval('#q-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent.trim())));
  const qCols = await op.$$eval('#q-table thead th', (ths) => ths.map((th) => th.textContent.trim()));
  const row = qRows.find((r) => r.includes(episodeId));
  assert.ok(row, `the episode is listed: ${JSON.stringify(qRows)}`);
  assert.equal(row[qCols.indexOf('missed')], 'false', `reported today: ${JSON.stringify(row)}`);
  assert.equal(row[qCols.indexOf('last_report')], startDay);
  assert.equal(row[qCols.indexOf('symptomatic_reports')], '1');

  log('citizen: another account, no CSRF token, no session are refused');
  assert.equal((await inPage(page, 'GET', `/v1/me/card?person=${holder}`)).status, 404);
  const otherDeclares = await inPage(page, 'POST', '/v1/me/declarations', {
    csrf: await csrfOf(page),
    body: { person: holder, form: { full_name: 'X' } },
  });
  assert.equal(otherDeclares.status, 404);
  assert.equal((await inPage(cz, 'POST', '/v1/me/declarations', { body: { form: {} } })).status, 403);
  const anonCard = await fetch(`${BASE}/v1/me/card?person=${holder}`);
  assert.equal(anonCard.status, 401);

  log('second tab: signed out in one tab, the other is refused and asks to sign in');
  const tab2 = await manager.newPage();
  await tab2.goto(`${BASE}/place`);
  await tab2.waitForSelector('#cp-title');
  const oldCsrf = await csrfOf(tab2);
  await page.click('#sign-out-all');
  await page.waitForSelector('#signin-phone');
  await waitFor(async () => (await tab2.locator('#session-ended').count()) > 0, 'the second tab to notice', 20_000);
  assert.equal((await inPage(tab2, 'GET', '/v1/checkpoints')).status, 401);
  // Signed in again: the old session's CSRF token is dead with it.
  await signIn(page, phone);
  assert.equal((await inPage(page, 'POST', `/v1/checkpoints/${room.id}/checkout-all`, { csrf: oldCsrf })).status, 403);

  log('expired session');
  await hook('/advance', { minutes: 13 * 60 });
  await op.reload();
  await op.waitForSelector('#signin-phone');
  assert.equal((await inPage(op, 'GET', '/v1/web/session')).status, 401);

  if (SHOTS) writeFileSync(join(SHOTS, 'axe.json'), JSON.stringify(axeFindings, null, 1));
  assert.deepEqual(problems, [], 'no page error and no CSP violation');
  if (SHOTS) assert.deepEqual(axeFindings, [], 'axe-core: no serious or critical violation');
}

try {
  await run();
  log('passed');
} catch (e) {
  process.stderr.write(`[portal ${DB}] FAILED at step "${step}": ${e.stack ?? e}\n`);
  if (problems.length) process.stderr.write(`page problems: ${problems.join('\n')}\n`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
