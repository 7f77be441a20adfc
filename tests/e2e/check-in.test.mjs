// End-to-end tests of the athlete's daily check-in on a phone: saved, shown as filed
// after a reload with every value's source (the watch's resting heart rate kept),
// saved twice without a second session, and filed offline: kept on the device with
// the app's words, then sent once when the connection is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';
import { CheckIn, says } from './pages/check-in.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The demo team's day, and p01's watch reading of it (PMData's Fitbit import).
const TODAY = '2020-03-31';
const YESTERDAY = '2020-03-30';
const P01_RESTING_HR = 52.556668281555176;

test('an athlete checks in on a phone; after a reload the filed values are shown and the watch value is kept', async () => {
  const { page, problems, close } = await openPage(browser, viewports.phone);
  await new SignInPage(page).signIn(demo.p01);
  await page.waitForURL('**/athletes/p01');
  const checkIn = new CheckIn(page);
  await checkIn.waitForCard();
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
  const { page, close } = await openPage(browser, viewports.phone);
  await new SignInPage(page).signIn(demo.p02);
  await page.waitForURL('**/athletes/p02');
  const checkIn = new CheckIn(page);
  await checkIn.waitForCard();
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
