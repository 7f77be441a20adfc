// End-to-end tests of the team page and the athlete page, signed in as the demo coach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';
import { AthletePage } from './pages/athlete.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function signedInCoach(viewport) {
  const opened = await openPage(browser, viewport);
  const signIn = new SignInPage(opened.page);
  await signIn.signIn(demo.coach);
  await opened.page.waitForURL('**/team');
  await opened.page.getByTestId('team-table').waitFor();
  return opened;
}

const fixed = (value, digits) => (value === null ? '–' : value.toFixed(digits));

test('the team page lists the sixteen demo athletes, most urgent first, and filters by name', async () => {
  for (const [width, viewport] of Object.entries(viewports)) {
    const { page, close } = await signedInCoach(viewport);
    const levels = await page.getByTestId('team-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.attention)));
    assert.equal(levels.length, 16);
    assert.deepEqual(levels, [...levels].sort((a, b) => b - a), 'urgent first');
    await screenshot(page, `team-signed-in-${width}`);

    await page.getByTestId('team-filter').fill('p07');
    assert.equal(await page.getByTestId('team-row').count(), 1);
    await close();
  }
});

test('the athlete page draws non-empty charts and its table equals the API for the same days', async () => {
  const { page, problems, close } = await signedInCoach(viewports.desktop);
  const athlete = new AthletePage(page);
  await athlete.open('p02');

  for (const name of ['load', 'pmc', 'readiness']) {
    const ink = await athlete.inkShare(name);
    assert.ok(ink > 0.03, `${name} chart has ink on ${(ink * 100).toFixed(1)}% of its pixels`);
  }
  const api = await athlete.apiSeries('p02');
  const table = await athlete.loadTable();
  assert.equal(table.length, 84, 'twelve weeks by default');
  for (const row of table) {
    const i = api.dates.indexOf(row.date);
    assert.ok(i >= 0, row.date);
    assert.equal(row.load, api.load[i].toFixed(0), `${row.date} load`);
    assert.equal(row.acute, fixed(api.acute_rac[i], 1), `${row.date} acute`);
    assert.equal(row.chronic, fixed(api.chronic_rac[i], 1), `${row.date} chronic`);
    assert.equal(row.ratio, fixed(api.acwr_rac[i], 2), `${row.date} ratio`);
  }
  assert.equal(table[0].date, api.dates[api.dates.length - 1], 'newest day first');
  await screenshot(page, 'athlete-desktop');
  assert.deepEqual(problems, []);
  await close();
});

test('switching the range and the ratio form changes the chart, its summary and its table', async () => {
  const { page, close } = await signedInCoach(viewports.desktop);
  const athlete = new AthletePage(page);
  await athlete.open('p02');
  const before = await athlete.fingerprint('load');
  const summaryBefore = await athlete.summary('load').textContent();

  await athlete.range('4 weeks');
  await page.waitForFunction((old) => document.querySelector('[data-testid=canvas-load]').toDataURL() !== old, before);
  assert.match(await athlete.summary('load').textContent(), /28 days/);
  assert.notEqual(await athlete.summary('load').textContent(), summaryBefore);

  const coupled = await athlete.fingerprint('load');
  await athlete.ratioForm('EWMA 7:28');
  await page.waitForFunction((old) => document.querySelector('[data-testid=canvas-load]').toDataURL() !== old, coupled);
  assert.match(await athlete.summary('load').textContent(), /ewma 7:28 ratio/);
  const api = await athlete.apiSeries('p02');
  const table = await athlete.loadTable();
  const last = api.dates.length - 1;
  assert.equal(table.length, 28);
  assert.equal(table[0].ratio, fixed(api.acwr_ewma[last], 2));
  await close();
});

test('the athlete page works on a phone, with a read-out of the day under a tap', async () => {
  const { page, close } = await signedInCoach(viewports.phone);
  const athlete = new AthletePage(page);
  await athlete.open('p02');
  const box = await athlete.canvas('load').boundingBox();

  await athlete.canvas('load').click({ position: { x: box.width * 0.6, y: box.height * 0.5 } });

  assert.match(await page.getByTestId('readout-load').textContent(), /^\d{4}-\d{2}-\d{2}: load \d+/);
  assert.ok((await athlete.pageWidth()) <= viewports.phone.width, 'no sideways scrolling');
  await screenshot(page, 'athlete-phone');
  await close();
});
