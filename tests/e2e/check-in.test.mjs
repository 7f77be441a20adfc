// End-to-end tests of the athlete's daily check-in on a phone: saved, shown as filed
// after a reload with every value's source (the watch's resting heart rate kept),
// saved twice without a second session; filed offline: kept on the device with the
// app's words, then sent once when the connection is back; saved as the session
// expires: kept, and sent after sign-in; filled and not sent: back after a reload.
// On a server of this file's own, so that p01's and p02's days start as imported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { freePort, startServer } from './support/server.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';
import { CheckIn, says } from './pages/check-in.mjs';

let browser;
let server;
let origin;
let dataDir;
before(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'forma-check-in-e2e-'));
  server = startServer({ port, dataDir });
  browser = await launch();
  await server.ready;
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function athletePage(who, viewport = viewports.phone) {
  const opened = await openPage(browser, viewport);
  await new SignInPage(opened.page, origin).signIn(who);
  await opened.page.waitForURL(`**/athletes/${who.email.slice(0, 3)}`);
  const checkIn = new CheckIn(opened.page, origin);
  await checkIn.waitForCard();
  return { ...opened, checkIn };
}

// The demo team's day, and p01's watch reading of it (PMData's Fitbit import).
const TODAY = '2020-03-31';
const YESTERDAY = '2020-03-30';
const P01_RESTING_HR = 52.556668281555176;

test('an athlete checks in on a phone; after a reload the filed values are shown and the watch value is kept', async () => {
  const { page, problems, close, checkIn } = await athletePage(demo.p01);
  assert.match(await checkIn.card().textContent(), /resting heart rate 52\.6 bpm · from the watch/);

  await page.getByTestId('check-in-sleep').fill('7.5');
  await checkIn.answer('fatigue', 4);
  await checkIn.answer('mood', 2);
  await page.getByTestId('check-in-sport').selectOption('running');
  await page.getByTestId('check-in-minutes').fill('50');
  await page.getByTestId('check-in-rpe').fill('6');
  await screenshot(page, 'athlete-check-in-phone');
  assert.equal(await checkIn.save(), says.stored);

  await page.reload();
  await checkIn.waitForCard();
  await checkIn.filed().waitFor();
  assert.match(await checkIn.filed().textContent(), /^You have filed today's check-in/);
  const filed = await checkIn.filedValues();
  assert.equal(filed.sleep_h, 'hours of sleep 7.5 h · from you');
  assert.equal(filed.fatigue, 'fatigue 4 of 5 · from you');
  assert.equal(filed.mood, 'mood 2 of 5 · from you');
  assert.match(filed.resting_hr, /^resting heart rate 52\.6 bpm · from the watch/);
  assert.match(await page.getByTestId('check-in-yesterday-logged').textContent(), /running 50 min at RPE 6/);
  assert.equal(await page.getByTestId('check-in-save').count(), 0, 'editing is a second action');
  await screenshot(page, 'athlete-check-in-filed-phone');

  // Saving again with a changed answer changes that answer and logs no second session.
  await page.getByTestId('check-in-edit').click();
  await checkIn.answer('mood', 3);
  assert.equal(await checkIn.save(), says.stored);
  const stored = await checkIn.stored('p01', TODAY, YESTERDAY);
  assert.equal(stored.wellness.length, 1);
  assert.equal(stored.wellness[0].mood, 3);
  assert.equal(stored.wellness[0].resting_hr, P01_RESTING_HR, 'the watch value is kept');
  assert.equal(stored.wellness[0].sources.resting_hr, 'pmdata:fitbit');
  const logged = stored.sessions.filter((s) => s.id === `ci-p01-${YESTERDAY}`);
  assert.equal(logged.length, 1, 'one session for one check-in');
  assert.equal(logged[0].sport, 'running');
  assert.equal(logged[0].load, 300, 'RPE 6 x 50 minutes');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  assert.deepEqual(problems, []);
  await close();
});

test('a check-in filed offline is kept on the device, the app says so, and it arrives once back online', async () => {
  const { page, close, checkIn } = await athletePage(demo.p02);
  if (await page.getByTestId('check-in-edit').count()) {
    await page.getByTestId('check-in-edit').click();
  }

  await page.context().setOffline(true);
  await page.getByTestId('check-in-sleep').fill('6.25');
  await checkIn.answer('soreness', 5);
  await page.getByTestId('check-in-minutes').fill('40');
  await page.getByTestId('check-in-rpe').fill('7');
  const said = await checkIn.save();

  assert.equal(said, says.offline);
  assert.equal(await page.getByTestId('server-status').getAttribute('data-state'), 'offline');
  assert.equal(await page.getByTestId('labels-waiting').textContent(), '1 check-in waiting');
  const kept = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('forma.labels.outbox:'))
      .map((k) => JSON.parse(localStorage.getItem(k)).ops.map((op) => op.op))
      .flat(),
  );
  assert.deepEqual(kept, ['wellness', 'session'], 'both writes wait in the outbox');
  await screenshot(page, 'athlete-check-in-offline-phone');

  await page.context().setOffline(false);
  await page.getByTestId('labels-waiting').waitFor({ state: 'detached', timeout: 15_000 });
  await page.waitForFunction((text) => document.querySelector('[data-testid=check-in-message]')?.textContent.trim() === text, says.sentLater);
  const stored = await checkIn.stored('p02', TODAY, YESTERDAY);
  assert.equal(stored.wellness[0].sleep_h, 6.25);
  assert.equal(stored.wellness[0].soreness, 5);
  assert.equal(stored.sessions.filter((s) => s.id === `ci-p02-${YESTERDAY}`).length, 1, 'sent exactly once');
  assert.equal(await page.getByTestId('server-status').getAttribute('data-state'), 'ok');
  await close();
});

test('a check-in saved as the session expires is kept on the device and arrives after signing in again', async () => {
  const { page, problems, close, checkIn } = await athletePage(demo.p02);
  if (await page.getByTestId('check-in-edit').count()) {
    await page.getByTestId('check-in-edit').click();
  }
  await page.getByTestId('check-in-sleep').fill('8');
  await checkIn.answer('stress', 2);

  // The session ends behind the app's back, as an expiry would; Save finds out.
  await page.context().clearCookies();
  await page.getByTestId('check-in-save').click();
  // The page gives way to the expired-session banner; the check-in waits in the outbox.
  await page.getByTestId('session-expired').waitFor();
  assert.match(await page.getByTestId('session-expired').textContent(), /kept in this browser/);
  const kept = await page.evaluate(() => localStorage.getItem('forma.labels.outbox:p02@demo.forma'));
  assert.deepEqual(JSON.parse(kept).ops.map((op) => op.op), ['wellness']);
  await page.getByTestId('session-expired').getByRole('link', { name: 'Sign in again' }).click();
  await page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('next') === '/athletes/p02');
  await page.getByLabel('Email').fill(demo.p02.email);
  await page.getByLabel('Password').fill(demo.p02.password);
  await page.locator('form').getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL('**/athletes/p02');
  await page.getByTestId('labels-waiting').waitFor({ state: 'detached', timeout: 15_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=filed-stress]')?.textContent.includes('2 of 5'));
  const stored = await checkIn.stored('p02', TODAY, YESTERDAY);
  assert.equal(stored.wellness[0].sleep_h, 8);
  assert.equal(stored.wellness[0].stress, 2);
  await screenshot(page, 'check-in-after-sign-in-phone');
  assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  await close();
});

test('a filled check-in that was never saved is back after a reload, and says it is not sent', async () => {
  const { page, close, checkIn } = await athletePage(demo.p01);
  if (await page.getByTestId('check-in-edit').count()) {
    await page.getByTestId('check-in-edit').click();
  }
  await page.getByTestId('check-in-sleep').fill('6.5');
  await checkIn.answer('soreness', 3);
  await page.getByTestId('check-in-minutes').fill('35');
  // The draft is written a moment after the last change.
  await page.waitForTimeout(600);

  await page.reload();
  await checkIn.waitForCard();
  assert.equal(await page.getByTestId('check-in-sleep').inputValue(), '6.5');
  assert.equal(await page.getByTestId('check-in-minutes').inputValue(), '35');
  assert.equal(
    await page.getByTestId('check-in-soreness').getByRole('button', { name: '3', exact: true }).getAttribute('aria-pressed'),
    'true',
  );
  assert.match(await checkIn.message().textContent(), /is back: it is not sent yet/);
  // Minutes without how hard it was are refused on the page, before anything is kept.
  const refused = await checkIn.save();
  assert.match(refused, /^Not saved: For yesterday's session, give both the minutes and how hard it was/);
  await screenshot(page, 'check-in-restored-phone');
  await close();
});
