// console.test.mjs — the console and the API docs in a real headless
// Chromium, against the integration world (run by run.sh, which starts a
// program manager and a worker). What a first user does:
//   sign in; create a series; write 30 000 points through the API and see
//   them plotted (zoom); change precision, aggregate and time zone; the
//   table and the CSV download; write and delete points in the console;
//   create a user, give its group a policy, make it a token and sign in as
//   that user: it sees the series and is told clearly what it may not see;
//   create, sign and run a program and see its run with output and log; a
//   new revision and its diff; upload a dataset in parts and download it;
//   raise an alert; the docs page lists every operation of /openapi3.json
//   and its try-it runs as the signed-in user.
// Every /v2/ answer the console got is checked against /openapi3.json
// (openapi_check.mjs), and no page view makes more than a few API calls.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkAnswer } from './openapi_check.mjs';

const SRC = process.env.ITEST_SRC, URL0 = process.env.ITEST_URL;
const DOMAIN = process.env.ITEST_DOMAIN, TOKEN = process.env.ITEST_TOKEN;
const SHOTS = process.env.SELFHOST_SCREENSHOTS;
const { chromium } = await import(path.join(SRC, 'console/node_modules/playwright-core/index.mjs'));

let passed = 0, failed = 0;
const t0 = Date.now();
function check(cond, what) {
  if (cond) { passed++; console.log(`ok   ${what}`); } else { failed++; console.log(`FAIL ${what}`); }
  return cond;
}
const auth = (d, t) => 'Basic ' + Buffer.from(`${d}:${t}`).toString('base64');
async function api(method, p, body) {
  const r = await fetch(URL0 + p, {
    method, headers: { Authorization: auth(DOMAIN, TOKEN), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

fs.mkdirSync(SHOTS, { recursive: true });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'selfhost-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.SELFHOST_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
  acceptDownloads: true,
});
context.setDefaultTimeout(15000);
const page = context.pages()[0] || await context.newPage();
const shot = async (name, opts = {}) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), ...opts });

// every /v2/ answer, and the calls each page view makes
const answers = [], consoleErrors = [];
let maxViewCalls = 0, maxViewAt = '';
page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.on('response', async (res) => {
  const u = new URL(res.url());
  if (!u.pathname.startsWith('/v2/')) return;
  let body = '';
  try { body = await res.text(); } catch { /* a download */ }
  answers.push({ method: res.request().method(), path: u.pathname, search: u.search, status: res.status(), type: res.headers()['content-type'] || '', body });
});
// the latest answer that matches, waiting for it: a response's body is read
// after the page may already have drawn it
async function answerWhere(match, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const a = answers.filter(match).pop();
    if (a || Date.now() > until) return a;
    await page.waitForTimeout(50);
  }
}
// opens a page of the console; counts the API calls showing it takes
async function go(hash) {
  const before = answers.length;
  await page.goto(`${URL0}/console/${hash}`);
  await page.waitForFunction((h) => document.querySelector('main')?.dataset.view === h, hash);
  await page.waitForTimeout(200);
  if (answers.length - before > maxViewCalls) { maxViewCalls = answers.length - before; maxViewAt = hash; }
}
// presses a form's submit button (focus + Enter: no pointer hit-testing,
// which a download bar left by an earlier step can upset)
async function submit(formId) {
  await page.locator(`form[data-form="${formId}"] button[type=submit]`).press('Enter');
}
async function signIn(domain, token) {
  await go('#/signin');
  await page.fill('#signin-domain', domain);
  await page.fill('#signin-token', token);
  await submit('signin');
  await page.waitForSelector('#whoami');
}

try {
  // ---- sign in ------------------------------------------------------------
  await page.goto(`${URL0}/console/`);
  await page.waitForSelector('form[data-form=signin]');
  check(page.url().endsWith('#/signin'), 'not signed in: the console asks for domain and token');
  await page.fill('#signin-domain', DOMAIN);
  await page.fill('#signin-token', 'secret-token.wrong');
  await submit('signin');
  await page.waitForSelector('.msg.error');
  check(/not accepted/.test(await page.textContent('.msg.error')), 'a wrong token: a clear message');
  await page.fill('#signin-token', TOKEN);
  await shot('signin');
  await submit('signin');
  await page.waitForSelector('#whoami');
  check((await page.textContent('#whoami')).includes(`root @ ${DOMAIN}`), 'signed in as root');
  const stored = await page.evaluate(() => [sessionStorage.getItem('selfhost.auth'), localStorage.length, document.cookie]);
  check(stored[0] && JSON.parse(stored[0]).token === TOKEN && stored[1] === 0 && stored[2] === '', 'the token is kept in sessionStorage only');

  // ---- a series, points through the API, the plot -------------------------
  const name = `Outdoor temperature ${Date.now() % 100000}`;
  await go('#/timeseries');
  await page.fill('#series-new-name', name);
  await page.fill('#series-new-si_unit', 'C');
  await submit('series-new');
  await page.waitForURL(/#\/timeseries\/[0-9a-f-]{36}$/);
  const ts = page.url().match(/timeseries\/([0-9a-f-]{36})/)[1];
  await page.waitForSelector('#plot-info');
  check(/0 points/.test(await page.textContent('#plot-info')), 'a new series: created in the console, no points yet');

  const N = 30000, now = Date.now(), step = 2000; // one point every 2 s: the last 16.7 hours
  const all = Array.from({ length: N }, (_, i) => {
    const t = now - (N - i) * step;
    return { v: Math.round((10 + 8 * Math.sin(t / 3.6e6 * Math.PI / 6) + Math.sin(i / 7)) * 100) / 100, ts: new Date(t).toISOString() };
  });
  let writes = 0;
  for (let i = 0; i < N; i += 10000) writes += (await api('POST', `/v2/timeseries/${ts}/data`, all.slice(i, i + 10000))).status === 201 ? 1 : 0;
  check(writes === 3, `${N} points written through the API`);
  const tPlot = Date.now();
  await page.click('.ranges button:has-text("24h")');
  await page.waitForFunction((n) => document.querySelector('#plot-info')?.textContent.startsWith(`${n} points`) && document.querySelector('#plot canvas'), N);
  const plotMs = Date.now() - tPlot;
  check(plotMs < 5000, `${N} points read and plotted in ${plotMs} ms`);
  await shot('series-plot');
  // zoom: wheel over the plot narrows the x scale; double-click resets it
  const scale = () => page.evaluate(() => { const u = document.getElementById('plot').uplot; return [u.scales.x.min, u.scales.x.max]; });
  const [a0, b0] = await scale();
  const box = await page.locator('#plot .u-over').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const tZoom = Date.now();
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -120);
  await page.waitForTimeout(100);
  const [a1, b1] = await scale();
  check(b1 - a1 < (b0 - a0) * 0.5, `wheel zoom narrows the window (${Math.round((b1 - a1) / 60)} min of ${Math.round((b0 - a0) / 60)}) in ${Date.now() - tZoom} ms`);
  await page.keyboard.down('Shift');
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 200, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  const [a2] = await scale();
  check(a2 < a1 && Math.abs((b1 - a1) - ((await scale())[1] - a2)) < 1, 'shift+drag pans the zoomed window back in time');
  await shot('series-zoomed');

  // precision, aggregate, time zone
  await page.selectOption('#series-controls-precision', 'hour');
  await page.selectOption('#series-controls-aggregate', 'max');
  await page.selectOption('#series-controls-timezone', 'Asia/Tokyo');
  await submit('series-controls');
  await page.waitForFunction(() => /max per hour, shown in Asia\/Tokyo/.test(document.querySelector('#plot-info')?.textContent || '') && document.querySelector('#plot canvas'));
  const hourly = await answerWhere((a) => a.path === `/v2/timeseries/${ts}/data` && a.method === 'GET' && /precision=hour/.test(a.search));
  const rows = hourly ? JSON.parse(hourly.body) : [];
  check(rows.length >= 17 && rows.length <= 19 && rows.every((r) => r.ts.endsWith('+09:00') && /T\d\d:00:00/.test(r.ts)), `precision hour in Asia/Tokyo: ${rows.length} hourly maxima stamped +09:00`);
  const axis = await page.evaluate(() => document.querySelector('#plot .u-legend')?.textContent || '');
  check(/Asia\/Tokyo/.test(axis), 'the plot shows the zone');
  await shot('series-hourly-tokyo');
  await page.click('#view-table');
  await page.waitForSelector('#points-table table');
  const first = await page.textContent('#points-table tbody tr td');
  check(first.endsWith('+09:00'), `the table view lists the points (${first})`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  check(csv[0] === 'ts,value' && csv.length === rows.length + 1, `CSV download: ${csv.length - 1} rows`);
  await shot('series-table');

  // write and delete points in the console
  await go(`#/timeseries/${ts}`);
  await page.fill('#point-new-v', '99.5');
  await submit('point-new');
  await page.waitForFunction((n) => document.querySelector('#plot-info')?.textContent.startsWith(`${n} points`), N + 1);
  check(true, 'a point written in the console shows up');
  await page.fill('#points-delete-ge', '99');
  page.once('dialog', (d) => d.accept());
  await submit('points-delete');
  await page.waitForFunction((n) => document.querySelector('#plot-info')?.textContent.startsWith(`${n} points`), N);
  check(true, 'points deleted in the console (values ≥ 99 in the window) are gone');

  // ---- a user with a policy, signed in as that user ------------------------
  const uname = `alice${Date.now() % 100000}`;
  await go('#/users');
  await page.fill('#user-new-name', uname);
  await submit('user-new');
  await page.waitForURL(/#\/users\/[0-9a-f-]{36}$/);
  await page.waitForSelector('form[data-form=user-policy-new]');
  await page.selectOption('#user-policy-new-action', 'read');
  await page.fill('#user-policy-new-resource', 'timeseries%');
  await submit('user-policy-new');
  await page.waitForFunction(() => [...document.querySelectorAll('table.list code')].some((c) => c.textContent === 'timeseries%'));
  check(true, 'a policy "allow read timeseries%" added to the user\'s group');
  await page.fill('#token-new-name', 'console test');
  await submit('token-new');
  await page.waitForSelector('#new-secret');
  const secret = await page.textContent('#new-secret');
  check(/^secret-token\./.test(secret), 'a new token\'s secret is shown once');
  await shot('user-token');
  await page.click('#signout');
  await page.waitForSelector('form[data-form=signin]');
  check(await page.evaluate(() => sessionStorage.getItem('selfhost.auth') === null), 'signed out: the token is forgotten');
  await signIn(DOMAIN, secret);
  check((await page.textContent('#whoami')).includes(`${uname} @ ${DOMAIN}`), `signed in as ${uname}`);
  await go('#/timeseries');
  await page.waitForSelector('table.list');
  check((await page.textContent('table.list')).includes(name), `${uname} sees the series`);
  await go(`#/timeseries/${ts}`);
  await page.waitForFunction((n) => document.querySelector('#plot-info')?.textContent.startsWith(`${n} points`), N);
  check(true, `${uname} sees its points plotted`);
  await go('#/users');
  await page.waitForSelector('.msg.error');
  const denied = await page.textContent('.msg.error');
  check(/Not allowed.*read:users/.test(denied), `where it may not look, a clear message: "${denied}"`);
  await shot('denied');
  await go('#/programs');
  await page.waitForSelector('.msg.error');
  check(/read:programs/.test(await page.textContent('.msg.error')), 'programs: the same');
  await page.click('#signout');
  await signIn(DOMAIN, TOKEN);

  // ---- a program: create, code, sign, run ---------------------------------
  await go('#/programs');
  await page.fill('#program-new-name', `console routine ${Date.now() % 100000}`);
  await page.fill('#program-new-schedule', '@every 1s');
  await page.selectOption('#program-new-state', 'active');
  await submit('program-new');
  await page.waitForURL(/#\/programs\/[0-9a-f-]{36}$/);
  await page.waitForSelector('#code');
  await page.click('#code-save');
  await page.waitForSelector('button.sign[data-revision="0"]');
  check(/not signed yet/.test(await page.textContent('#code-msg')) && /No revision is signed/.test(await page.textContent('#code-info')),
    'the code saved as revision 0, unsigned, and the page says so');
  await page.evaluate(() => { window.selfhostNoReload = true; });
  await page.click('button.sign[data-revision="0"]');
  await page.waitForFunction(() => !document.querySelector('button.sign[data-revision="0"]') && document.querySelector('#revisions')?.textContent.includes('✔'));
  // the page shows the signed state at once: no stale "not signed yet", no reload
  const [signedMsg, signedInfo, same] = await page.evaluate(() => [document.querySelector('#code-msg').textContent,
    document.querySelector('#code-info').textContent, window.selfhostNoReload === true]);
  check(same && !/not signed/.test(signedMsg) && /Revision 0 signed: it is what runs now/.test(signedMsg) && /^Revision 0 runs/.test(signedInfo),
    `revision 0 signed, shown at once without a reload ("${signedMsg}" / "${signedInfo}")`);
  const tRun = Date.now();
  let ran = false;
  while (!ran && Date.now() - tRun < 20000) {
    await page.waitForTimeout(1000);
    await page.click('#runs-refresh');
    await page.waitForTimeout(300);
    ran = await page.evaluate(() => !!document.querySelector('#runs .outcome.ok'));
  }
  check(ran, `the routine ran (seen ${Date.now() - tRun} ms after signing)`);
  if (ran) {
    await page.click('#runs details summary');
    const [out, log] = await Promise.all([page.textContent('#runs .run-output'), page.textContent('#runs .run-log')]);
    check(out.includes('done') && log.includes('hello from a routine'), 'its output and log are shown');
  }
  await shot('program-run', { fullPage: true });
  await page.fill('#code', 'fmt := import("fmt")\nfmt.println("second revision")\n');
  await page.click('#code-save');
  await page.waitForSelector('button.sign[data-revision="1"]');
  await submit('diff-form');
  await page.waitForSelector('#diff .add');
  check((await page.textContent('#diff .add')).includes('second revision'), 'the diff of revisions 0 and 1');
  await shot('program-diff', { fullPage: true });
  const prog = page.url().match(/programs\/([0-9a-f-]{36})/)[1];
  await go(`#/programs/${prog}?again=1`);
  await api('PUT', `/v2/programs/${prog}`, { state: 'inactive' });

  // ---- alerts and datasets --------------------------------------------------
  await go('#/alerts');
  await page.fill('#alert-new-resource', 'console-test');
  await page.fill('#alert-new-event', 'Down');
  await page.fill('#alert-new-value', 'OOM');
  await page.fill('#alert-new-description', 'raised by the browser test');
  await submit('alert-new');
  await page.waitForFunction(() => document.querySelector('table.list')?.textContent.includes('console-test'));
  check(true, 'an alert raised and listed');
  await go('#/datasets');
  const big = Buffer.alloc(1536 * 1024 + 77);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
  await page.setInputFiles('#dataset-file', { name: 'model.bin', mimeType: 'application/octet-stream', buffer: big });
  await submit('dataset-new');
  await page.waitForURL(/#\/datasets\/[0-9a-f-]{36}\?parts=\d+$/, { timeout: 30000 });
  await page.waitForSelector('#dataset-size');
  check((await page.textContent('#dataset-size')).startsWith(`${big.length} `), `a ${big.length}-byte file uploaded in parts`);
  const parts = answers.filter((a) => a.method === 'PUT' && a.path.endsWith('/parts') && a.status === 200).length;
  check(parts >= 2, `${parts} parts (the part size halved when the server answered 413)`);
  const uploaded = await page.textContent('#dataset-uploaded');
  check(uploaded.startsWith(`Uploaded in ${parts} parts`), `the dataset's page says how it was uploaded ("${uploaded}")`);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dataset-download')]);
  check(Buffer.compare(fs.readFileSync(await dl.path()), big) === 0, 'downloaded again, byte for byte');
  await shot('dataset');

  // ---- the docs page ----------------------------------------------------------
  const doc = JSON.parse(await (await fetch(`${URL0}/openapi3.json`)).text());
  const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).filter((m) => ['get', 'put', 'post', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${p}`));
  await page.goto(`${URL0}/docs/`);
  await page.waitForSelector('.opblock');
  const shown = await page.evaluate(() => [...document.querySelectorAll('.opblock')].map((b) =>
    `${b.querySelector('.opblock-summary-method').textContent.trim()} ${b.querySelector('.opblock-summary-path').getAttribute('data-path')}`));
  const missing = ops.filter((o) => !shown.includes(o));
  check(ops.length >= 60 && missing.length === 0 && shown.length === ops.length, `the docs page lists every operation (${shown.length} of ${ops.length})${missing.length ? ': missing ' + missing.join(', ') : ''}`);
  check((await page.textContent('#who')).includes(DOMAIN), 'the docs page knows the signed-in domain');
  await shot('docs');
  const me = page.locator('.opblock').filter({ has: page.locator('[data-path="/v2/users/me"]') });
  // a deep link (tag "users", operationId "whoami") opens the operation
  await page.goto('about:blank');
  await page.goto(`${URL0}/docs/#/users/whoami`);
  await me.locator('button.try-out__btn').waitFor();
  await me.locator('button.try-out__btn').click();
  await me.locator('button.execute').click();
  await me.locator('.responses-wrapper .live-responses-table .response-col_status').first().waitFor();
  const live = await me.locator('.live-responses-table').first().textContent();
  check(/200/.test(live) && live.includes('"name": "root"'), 'try-it runs GET /v2/users/me as the signed-in user');
  await shot('docs-tryit');

  // ---- the answers against the document; calls per view ---------------------
  const problems = answers.flatMap((a) => checkAnswer(doc, a));
  const uniq = [...new Set(problems)];
  check(uniq.length === 0, `${answers.length} API answers match /openapi3.json${uniq.length ? ':\n  ' + uniq.join('\n  ') : ''}`);
  check(maxViewCalls <= 5, `showing a page takes at most ${maxViewCalls} API calls (${maxViewAt}): no bursts`);
  check(consoleErrors.length === 0, `no script errors${consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''}`);
} catch (e) {
  failed++;
  console.log(`FAIL ${e.stack || e}`);
  if (consoleErrors.length) console.log(`     script errors: ${consoleErrors.join(' | ')}`);
  console.log(`     last answers: ${answers.slice(-3).map((a) => `${a.method} ${a.path} ${a.status}`).join(', ')}`);
  await shot('failure').catch(() => {});
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${SHOTS})`);
process.exit(failed ? 1 : 0);
