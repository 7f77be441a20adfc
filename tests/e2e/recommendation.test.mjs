// End-to-end tests of recommendations: the team's column, the card on the athlete
// page, a coach's override with a reason that survives a reload, reaches the audit
// log, and changes what the athlete reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the team page shows each athlete\'s action, confidence and top reason', async () => {
  const { page, problems, close } = await openPage(browser);
  await new SignInPage(page).signIn(demo.coach);
  await page.waitForURL('**/team');
  await page.getByTestId('team-table').waitFor();
  const cells = page.getByTestId('team-rec');
  await cells.first().waitFor();
  assert.equal(await cells.count(), 16);
  for (const text of await cells.allTextContents()) {
    // An automatic action with its confidence; manual review has none to show; a
    // coach's decision leads with who decided, Forma's suggestion after it.
    assert.match(
      text,
      /^((Maintain|Reduce intensity|Swap session|Extend recovery|Increase volume) · \d+%( \(weak model\))?|Manual review · for the coach|(Maintain|Reduce intensity|Swap session|Extend recovery|Increase volume|Manual review) · (accepted by .+|.+'s decision.*Forma suggested: .+))/,
    );
  }
  assert.deepEqual(problems, []);
  await close();
});

test('a coach overrides with a reason; after a reload the decision and author are shown, the audit log has it and the athlete sees the change', async () => {
  const { page, problems, close } = await openPage(browser);
  const signIn = new SignInPage(page);
  await signIn.signIn(demo.coach);
  await page.waitForURL('**/team');
  // The server trains the demo team's first model in the background: wait for it,
  // so the day is scored by the model rather than by the rules.
  await page.waitForFunction(async () => (await fetch('/api/model/active')).status === 200, null, { polling: 1000, timeout: 600_000 });
  await signIn.goto('/athletes/p02');
  const card = page.getByTestId('recommendation');
  await card.waitFor();
  // A model that does not beat its baselines puts a caveat beside its
  // confidence, and the coach's paragraph says why.
  const confidence = await page.getByTestId('rec-confidence').textContent();
  assert.match(confidence, /^confidence \d+%( · weak model)?$/);
  const weak = confidence.endsWith(' · weak model');
  assert.equal((await page.getByTestId('rec-summary').textContent()).includes('does not beat its simple baselines'), weak);
  assert.match(await page.getByTestId('rec-versions').textContent(), /^Policy forma-policy-2; model /);
  // The demo team has a model, which scores p02's day: its risk is read two
  // ways, standing and today's change.
  assert.match(await card.textContent(), /Model risk of an injury or illness starting in the next 7 days: \d/);
  const reading = await page.getByTestId('rec-risk-reading').textContent();
  assert.match(reading, /Standing risk \(who\)(Standing risk \d+(\.\d)?%|No standing risk yet)/);
  assert.match(reading, /Today's change \(when\)Today's/);
  const recommended = (await page.getByTestId('rec-action').textContent()).trim();

  await page.getByTestId('rec-override-open').click();
  const choice = page.getByTestId('rec-override-action');
  const options = await choice.locator('option').allTextContents();
  const instead = options.find((o) => o !== 'Choose an action' && o !== recommended);
  await choice.selectOption({ label: instead });
  await page.getByTestId('rec-override-reason').selectOption('travel');
  await page.getByTestId('rec-override-note').fill('Away game on Thursday; keep it light.');
  await screenshot(page, 'recommendation-override-desktop');
  await page.getByTestId('rec-override-save').click();
  await page.getByTestId('rec-decision').waitFor();

  await page.reload();
  await page.getByTestId('rec-decision').waitFor();
  const decided = await page.getByTestId('rec-decision').textContent();
  assert.match(decided, new RegExp(`^Demo Coach overrode it with ${instead.toLowerCase()}, reason: Travel`));
  await page.getByTestId('rec-history').locator('summary').click();
  assert.match(await page.getByTestId('rec-history-decision').first().textContent(), /Away game on Thursday/);

  const audit = await page.evaluate(async () => (await fetch('/api/audit?athlete=p02')).json());
  const entry = audit.find((e) => e.entity === 'decision');
  assert.ok(entry, 'the override is in the audit log');
  assert.equal(entry.after.reason_code, 'travel');
  assert.deepEqual(problems, []);
  await close();

  const athlete = await openPage(browser, viewports.phone);
  await new SignInPage(athlete.page).signIn(demo.p02);
  await athlete.page.getByTestId('rec-coach-change').waitFor();
  assert.match(await athlete.page.getByTestId('rec-coach-change').textContent(), /Your coach changed today's suggestion.*Away game on Thursday/);
  await screenshot(athlete.page, 'recommendation-athlete-phone');
  await athlete.close();
});
