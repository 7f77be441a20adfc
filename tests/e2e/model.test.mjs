// End-to-end tests of the Model page: the first model trained at start-up, its
// card, backtests against baselines, calibration plot and versions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';
import { ModelPage } from './pages/model.mjs';
import { freePort, startServer } from './support/server.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Share of canvas pixels that are not white: a drawn plot has axes, a diagonal and dots.
async function inkShare(canvas) {
  return canvas.evaluate((el) => {
    const { data } = el.getContext('2d').getImageData(0, 0, el.width, el.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) ink += 1;
    }
    return ink / (data.length / 4);
  });
}

test('a coach reads the model card, its backtests against baselines and its calibration', async () => {
  const { page, problems, close } = await openPage(browser);
  await new SignInPage(page).signIn(demo.coach);
  await page.waitForURL('**/team');
  const model = new ModelPage(page);

  await model.openWithModel();

  assert.match(await model.version().textContent(), /^m-[0-9a-f]{16}$/);
  assert.match(await model.verdict().textContent(), /baseline/);
  assert.match(await page.getByTestId('model-primary').textContent(), /forward in time/);
  for (const scheme of ['forward-in-time', 'athletes-held-out']) {
    const rows = await model.backtestRows(scheme).allTextContents();
    assert.equal(rows.length, 7, `${scheme}: three models and four baselines`);
    assert.ok(rows.some((r) => r.includes('gradient-boosted trees')));
    assert.ok(rows.some((r) => r.includes('base rate (baseline)')));
    assert.ok(rows.some((r) => r.includes('ACWR > 1.5 rule (baseline)')));
    assert.ok(rows.some((r) => r.includes('history only (earlier episodes) (baseline)')));
    const cohorts = await model.cohortRows(scheme).allTextContents();
    for (const dimension of ['age_band', 'days_in_forma', 'injury_history']) {
      assert.ok(cohorts.some((c) => c.startsWith(dimension)), `${scheme}: ${dimension} cohorts`);
    }
  }
  // Who and when: pooled and within-athlete AUC per backtest, with what is behind them.
  const whoWhen = await page.getByTestId('who-and-when-table').locator('tbody tr').allTextContents();
  assert.equal(whoWhen.length, 2);
  for (const row of whoWhen) assert.match(row, /\d+ days, \d+ athletes.*\d+ days, \d+ athletes/);
  const sentences = await page.getByTestId('who-and-when').locator('li').allTextContents();
  assert.ok(sentences.some((s) => s.startsWith('Who')) && sentences.some((s) => s.startsWith('When')));
  assert.ok((await inkShare(model.calibrationCanvas())) > 0.01, 'the calibration plot is drawn');
  assert.ok((await page.getByTestId('calibration-table').locator('tbody tr').count()) >= 2);
  const confidence = await page.getByTestId('confidence-table').locator('tbody tr').allTextContents();
  assert.ok(confidence.length >= 1, 'confidence is checked against what happened');
  for (const row of confidence) assert.match(row, /^\d+% to \d+%\d+\d+(\.\d)?%\d+(\.\d)?%$/);

  const versions = await model.versionRows().allTextContents();
  assert.equal(versions.length, 1);
  assert.match(versions[0], /Active/);
  await screenshot(page, 'model-desktop');

  // One version was ever active: rolling back says there is nothing to go back to.
  await page.getByTestId('rollback-model').click();
  await model.message().waitFor();
  assert.match(await model.message().textContent(), /nothing to roll back to/);
  assert.deepEqual(problems.filter((p) => !p.includes('409')), []);
  await close();
});

test('the model page reads on a phone', async () => {
  const { page, close } = await openPage(browser, viewports.phone);
  await new SignInPage(page).signIn(demo.coach);
  await page.waitForURL('**/team');
  const model = new ModelPage(page);
  await model.openWithModel();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  assert.ok((await inkShare(model.calibrationCanvas())) > 0.01);
  await screenshot(page, 'model-phone');
  await close();
});

// On a server of the test's own, so the shared demo team's versions stay as
// the other tests count them.
test('a coach cancels a training they started: it stops, nothing is stored, and the page says so', async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'forma-cancel-e2e-'));
  const server = startServer({ port, dataDir });
  const { page, close } = await openPage(browser, viewports.phone);
  try {
    await server.ready;
    await page.goto(`${origin}/sign-in`);
    await page.getByLabel('Email').fill(demo.coach.email);
    await page.getByLabel('Password').fill(demo.coach.password);
    await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/team');
    const model = new ModelPage(page, origin);
    await model.goto('/model');
    await page.getByTestId('train-model').click();
    const cancel = page.getByTestId('cancel-training');
    await cancel.waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('train-model').textContent(), /Training/);
    await screenshot(page, 'model-training-phone');
    await cancel.click();

    // The page, reloaded after the answer, shows the run as cancelled and no
    // training running.
    await page.getByTestId('training-run').filter({ hasText: 'was cancelled by' }).waitFor({ timeout: 30_000 });
    assert.equal(await cancel.count(), 0, 'no Cancel button once nothing runs');
    assert.match(await page.getByTestId('train-model').textContent(), /Retrain/);
    const registry = await page.evaluate(async () => (await fetch('/api/models')).json());
    assert.equal(registry.training, false);
    assert.equal(registry.training_run.state, 'cancelled');
    assert.equal(registry.versions.length, 0, 'a cancelled training stores no version');
    assert.match(registry.training_run.message, /nothing was stored/);
    await screenshot(page, 'model-cancelled-phone');
  } finally {
    await close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
