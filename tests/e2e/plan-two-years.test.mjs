// The what-if plan's frame target on the athlete the issue names: two years of
// daily history and a 28-day plan. A server of the test's own (so the demo team
// the other files count stays as it is) imports a made-up athlete, trains the
// first model, and the coach edits the plan while the page times every edit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, openPage, screenshot, screenshotDir } from './support/browser.mjs';
import { freePort, startServer } from './support/server.mjs';
import { demo } from './pages/sign-in.mjs';
import { ModelPage } from './pages/model.mjs';
import { PlanPage, timingSummary, timingWords } from './pages/plan.mjs';

const ATHLETE = 'w2y';
// The demo team is shown as of 2020-03-31; the history is the 730 days to it.
const LAST_DAY = Date.UTC(2020, 2, 31);
const DAYS = 730;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const day = (d) => new Date(LAST_DAY - (DAYS - 1 - d) * 86_400_000).toISOString().slice(0, 10);

// The recipe of forma-core's tests/support/plan_case.rs: a weekly pattern with a
// slow build and a deload every fourth week, a rest day a week, a session
// missed every 23 days, and wellness with HRV on most mornings.
function sessionsCsv() {
  const rows = ['athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source'];
  for (let d = 0; d < DAYS; d += 1) {
    if (d % 7 === 6 || d % 23 === 5) continue;
    const week = Math.floor(d / 7);
    const build = 1 + (week % 4) * 0.08 - (week % 4 === 3 ? 0.3 : 0);
    const minutes = Math.round((40 + ((d * 37) % 50)) * build);
    const rpe = 3 + ((d * 5) % 6);
    rows.push(`${ATHLETE},${day(d)},${d % 3 === 0 ? 'strength' : 'running'},${minutes},${rpe},,,,test`);
  }
  return `${rows.join('\n')}\n`;
}

function wellnessCsv() {
  const rows = ['athlete_id,date,sleep_h,sleep_quality,fatigue,soreness,stress,mood,readiness,hrv_rmssd_ms,resting_hr'];
  for (let d = 0; d < DAYS; d += 1) {
    if (d % 11 === 4) continue;
    rows.push([
      ATHLETE, day(d), 6 + (d % 5) * 0.5, 2 + (d % 4), 1 + ((d * 3) % 5), 1 + ((d * 7) % 5),
      1 + ((d * 2) % 5), 2 + (d % 4), 4 + ((d * 3) % 7), 55 + ((d * 13) % 30), 48 + ((d * 5) % 9),
    ].join(','));
  }
  return `${rows.join('\n')}\n`;
}

// Imports a canonical file through the API, from inside the signed-in page.
async function importFile(page, kind, csv) {
  return page.evaluate(async ({ kind, csv }) => {
    const me = await (await fetch('/api/auth/me')).json();
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), `${kind}.csv`);
    const answer = await fetch(`/api/import/${kind}?team=demo`, {
      method: 'POST',
      headers: { 'X-CSRF-Token': me.csrf_token },
      body: form,
    });
    return { status: answer.status, body: await answer.json() };
  }, { kind, csv });
}

test('two years of history and a 28-day plan: every edit is projected and drawn within a frame', async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'forma-plan-e2e-'));
  const server = startServer({ port, dataDir, firstModel: true });
  const { page, problems, close } = await openPage(browser);
  try {
    await server.ready;
    await page.goto(`${origin}/sign-in`);
    await page.getByLabel('Email').fill(demo.coach.email);
    await page.getByLabel('Password').fill(demo.coach.password);
    await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/team');
    // The first model (trained on the demo team at start) scores the plan.
    await new ModelPage(page, origin).openWithModel();
    // The Model page's answers while the first model trains are no problem.
    problems.length = 0;

    const sessions = await importFile(page, 'sessions', sessionsCsv());
    assert.equal(sessions.status, 200, JSON.stringify(sessions.body));
    const wellness = await importFile(page, 'wellness', wellnessCsv());
    assert.equal(wellness.status, 200, JSON.stringify(wellness.body));
    const history = await page.evaluate(async (id) => (await fetch(`/api/athletes/${id}/sessions`)).json(), ATHLETE);
    assert.ok(history.length > 550, `${history.length} sessions stored`);
    assert.equal(history.map((s) => s.date ?? s.session?.date).sort()[0], day(0), 'two years back');

    const plan = new PlanPage(page, origin);
    await plan.open(ATHLETE);
    await page.getByTestId('plan-days').selectOption('28');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=plan-day]').length === 28);
    // Four weeks of the last recorded week, as a coach starts a block.
    await plan.preset('copy').click();
    assert.match(await page.getByTestId('plan-head-model').textContent(), /active model m-/);
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));

    const inputs = plan.minutes();
    await screenshot(page, 'plan-two-years-start');
    assert.ok((await inputs.count()) >= 20, `the copied weeks have sessions to edit (${await inputs.count()})`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=day-policy]').length === 28);
    const times = [];
    for (let i = 0; i < 60; i += 1) {
      const input = inputs.nth((i * 7) % (await inputs.count()));
      times.push(await plan.editAndTime(input, 30 + i));
    }
    assert.deepEqual(requests.filter((u) => u.includes('/api/')), [], 'edits asked the server');

    // What the page shows is what the server computes for the same plan.
    const edited = await plan.planJson();
    const served = await page.evaluate(async ({ id, body }) => {
      const me = await (await fetch('/api/auth/me')).json();
      const answer = await fetch(`/api/athletes/${id}/plan/projection`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify(body),
      });
      return answer.json();
    }, { id: ATHLETE, body: edited });
    assert.equal(await plan.fingerprint(), served.fingerprint, 'browser and server differ');
    assert.equal(served.projection.days.length, 28);
    assert.ok(served.projection.days.every((d) => d.risk !== null), 'every day scored');
    assert.equal(served.projection.detail?.date, edited.start, 'the first day given in full');

    const summary = timingSummary(times);
    mkdirSync(screenshotDir, { recursive: true });
    writeFileSync(
      join(screenshotDir, 'plan-two-years-timing.json'),
      JSON.stringify({ history_days: DAYS, plan_days: 28, ...summary, times }),
    );
    console.log(`two years of history, 28-day plan: ${timingWords(summary)}`);
    // The page's two clocks start at the edit; the whole page is painted after
    // the edit's own frame; and both lie inside the time measured from outside.
    for (const [i, t] of times.entries()) {
      assert.ok(Number.isFinite(t.update) && t.update <= t.page, `edit ${i}: own frame ${t.update} ms after the page ${t.page} ms`);
      assert.ok(t.page <= t.outside, `edit ${i}: the page says ${t.page} ms, measured from outside ${t.outside} ms`);
    }
    await screenshot(page, 'plan-two-years-desktop');
    assert.deepEqual(problems, []);
  } finally {
    await close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
