// End-to-end tests of input the Plan page does not accept: the field says what is
// accepted, the projection never shows an impossible value, and Save says why it
// is off. On a phone, where the sticky header must not hide a field's message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';
import { PlanPage } from './pages/plan.mjs';

// p03's plan is this file's (p03 is not saved to, so other files see no change).
const ATHLETE = 'p03';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function openPlan(viewport) {
  const opened = await openPage(browser, viewport);
  await new SignInPage(opened.page).signIn(demo.coach);
  await opened.page.waitForURL('**/team');
  const plan = new PlanPage(opened.page);
  await plan.open(ATHLETE);
  // A session on each of the first four days (45 minutes at RPE 5), whatever
  // the athlete's last week was.
  for (let day = 0; day < 4; day += 1) {
    await opened.page.getByTestId('add-session').nth(day).click();
  }
  await plan.rpe().nth(3).waitFor();
  return { ...opened, plan };
}

test('RPE 11 and minus 5 minutes are marked where they are typed, never projected, and Save says why it is off', async () => {
  const { page, problems, close, plan } = await openPlan(viewports.phone);
  const rpe = plan.rpe().nth(2);
  const minutes = plan.minutes().nth(3);
  const before = await plan.fingerprint();
  const loadBefore = await plan.summary('load');
  const dayLoads = () => page.getByTestId('day-load').allTextContents();
  assert.ok(await plan.save().isEnabled(), 'Save is on for the plan as it starts');
  assert.equal(await plan.saveBlocked().textContent(), '');

  await rpe.scrollIntoViewIfNeeded();
  await rpe.fill('11');
  assert.equal(await rpe.getAttribute('aria-invalid'), 'true');
  const message = plan.fieldError(rpe);
  assert.equal(await message.textContent(), 'RPE 11 is not accepted: give an RPE from 0 to 10 (CR-10 scale).');
  assert.equal(await rpe.getAttribute('aria-describedby'), await message.getAttribute('id'));
  assert.equal(await plan.fingerprint(), before, 'the projection holds to the last accepted plan');
  assert.equal(await plan.summary('load'), loadBefore);
  assert.ok(await plan.save().isDisabled());
  assert.match(await plan.saveBlocked().textContent(), /^Save is off until every value is accepted\. Not accepted: RPE 11 on \w{3} \d{4}-\d\d-\d\d \(give an RPE from 0 to 10 \(CR-10 scale\)\)\.$/);
  assert.match(await page.getByTestId('projection-held').textContent(), /before the value that is not accepted/);

  // The field and its message are below the sticky header, not under it.
  const header = await page.locator('header.shell-header').boundingBox();
  const box = await message.boundingBox();
  const field = await rpe.boundingBox();
  assert.ok(field.y >= header.y + header.height, `the field (${field.y}) is under the header (to ${header.y + header.height})`);
  assert.ok(box.y + box.height <= viewports.phone.height, 'the message is on the screen');
  await screenshot(page, 'plan-rpe-11-phone');

  await minutes.fill('-5');
  assert.equal(await minutes.getAttribute('aria-invalid'), 'true');
  assert.equal(await plan.fieldError(minutes).textContent(), 'Minutes -5 is not accepted: give a duration from 0 to 1440 minutes (24 hours).');
  assert.equal(await plan.fingerprint(), before);
  for (const load of await dayLoads()) {
    assert.ok(!load.startsWith('-'), `a day shows the load ${load}`);
  }
  assert.match(await plan.saveBlocked().textContent(), /RPE 11 .*; Minutes -5 /);
  assert.equal(await page.getByTestId('session-load').nth(3).getAttribute('placeholder'), '', 'no load hint from -5 minutes');
  // No day of the table has a negative load (form may be negative, load never).
  const tableLoads = await page.getByTestId('projection-table').locator('tbody tr').evaluateAll(
    (rows) => rows.map((r) => r.querySelector('td').firstChild.textContent.trim()),
  );
  assert.ok(tableLoads.length >= 7 && tableLoads.every((l) => /^\d+$/.test(l)), `loads ${tableLoads}`);

  // Corrected, the values are projected and Save is on again.
  await rpe.fill('7');
  await minutes.fill('40');
  assert.equal(await rpe.getAttribute('aria-invalid'), null);
  assert.equal(await plan.fieldError(rpe).count(), 0);
  await page.waitForFunction((b) => document.querySelector('[data-testid=projection-fingerprint]').textContent !== b, before);
  assert.ok(await plan.save().isEnabled());
  assert.equal(await plan.saveBlocked().textContent(), '');
  const json = await plan.planJson();
  assert.ok(json.days.flat().some((s) => s.rpe === 7), 'the accepted value is in the plan');

  // An empty plan reads 0, not "-0".
  await page.getByTestId('plan-days').selectOption('7');
  for (let i = (await page.getByTestId('remove-session').count()) - 1; i >= 0; i -= 1) {
    await page.getByTestId('remove-session').nth(i).click();
  }
  assert.match(await page.getByTestId('plan-explanation').textContent(), /^7 days from \d{4}-\d\d-\d\d: 0 load units over 0 sessions/);
  assert.deepEqual([...new Set(await dayLoads())], ['0']);
  await screenshot(page, 'plan-empty-phone');
  assert.deepEqual(problems, []);
  await close();
});

test('the field message shows at desktop width too', async () => {
  const { page, problems, close, plan } = await openPlan(viewports.desktop);
  const rpe = plan.rpe().first();
  await rpe.fill('12.5');
  assert.equal(await plan.fieldError(rpe).textContent(), 'RPE 12.5 is not accepted: give an RPE from 0 to 10 (CR-10 scale).');
  assert.ok(await plan.save().isDisabled());
  await rpe.scrollIntoViewIfNeeded();
  await screenshot(page, 'plan-rpe-invalid-desktop');
  // Undo all edits brings the accepted plan back.
  await page.getByTestId('plan-reset').click();
  assert.equal(await plan.fieldError(rpe).count(), 0);
  assert.ok(await plan.save().isEnabled());
  assert.deepEqual(problems, []);
  await close();
});
