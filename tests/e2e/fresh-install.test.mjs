// End-to-end from an empty install (`--no-demo`, one admin made with `forma user
// add`): the admin is led to create the first team and its coach; the coach is
// led to import, previews a sessions CSV with two bad rows (nothing stored
// until confirmed; with "skip bad rows" the rest is stored), imports two FIT
// files for one athlete, and invites the athlete, who sets a password and sees
// only their own page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { formaBin, freePort, startServer } from './support/server.mjs';
import { SignInPage } from './pages/sign-in.mjs';
import { ImportPage } from './pages/import.mjs';

const ADMIN = { email: 'admin@fresh.forma', password: 'admin-password-1' };
const COACH = { email: 'coach@fresh.forma', password: 'coach-password-1' };
const ATHLETE = { email: 'runner@fresh.forma', password: 'runner-password-1' };

// Two athletes' March sessions; line 5 has no such day, line 6 no number of minutes.
const SESSIONS = `athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source
fresh-a,2020-03-02,run,60,5,,,,
fresh-a,2020-03-03,bike,90,4,,,,
fresh-b,2020-03-02,swim,45,6,,,,
fresh-b,2020-02-30,run,30,5,,,,
fresh-b,2020-03-04,run,sixty,5,,,,
`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, '..', 'shared', 'data', 'activity-files', 'fitparse-rs', 'fitparser', 'tests', 'fixtures');

let browser;
let server;
let origin;
let dataDir;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'forma-fresh-'));
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = startServer({ port, dataDir, demo: false });
  await server.ready;
  const made = spawnSync(
    formaBin(),
    ['user', 'add', '--data-dir', dataDir, '--email', ADMIN.email, '--role', 'admin', '--name', 'Club Admin', '--password-stdin'],
    { input: `${ADMIN.password}\n`, encoding: 'utf8' },
  );
  assert.equal(made.status, 0, made.stderr);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function status(page, path) {
  return page.evaluate(async (p) => (await fetch(p)).status, path);
}

test('from an empty install to an athlete on their own page, all in the browser', async () => {
  // The admin: no team yet, so the team page leads to creating one.
  const admin = await openPage(browser, viewports.desktop);
  const adminIn = new SignInPage(admin.page, origin);
  await adminIn.signIn(ADMIN);
  await admin.page.waitForURL('**/team');
  await admin.page.getByTestId('team-none').waitFor();
  await screenshot(admin.page, 'fresh-no-team-desktop');
  await admin.page.getByTestId('team-none-create').click();
  await admin.page.waitForURL('**/roster');
  await admin.page.getByTestId('no-teams').waitFor();
  await admin.page.getByTestId('new-team-name').fill('North FC');
  await admin.page.getByTestId('new-team-create').click();
  await admin.page.getByTestId('team-card').filter({ hasText: 'North FC' }).waitFor();
  const teams = await admin.page.evaluate(async () => (await fetch('/api/teams')).json());
  assert.equal(teams.length, 1);
  const team = teams[0].id;

  // ... and its coach, on the Accounts page.
  await adminIn.navLink('Accounts').click();
  await admin.page.waitForURL('**/accounts');
  await admin.page.getByTestId('account-email').fill(COACH.email);
  await admin.page.getByTestId('account-name').fill('North Coach');
  await admin.page.getByTestId('account-password').fill(COACH.password);
  await admin.page.getByTestId(`new-team-${team}`).locator('input').check();
  await admin.page.getByTestId('account-create').click();
  await admin.page.getByTestId('account-row').filter({ hasText: COACH.email }).waitFor();
  await admin.close();

  // The coach: a team without athletes leads to the import.
  const coach = await openPage(browser, viewports.desktop);
  const { page } = coach;
  await new SignInPage(page, origin).signIn(COACH);
  await page.waitForURL('**/team');
  await page.getByTestId('team-empty').waitFor();
  assert.match(await page.getByTestId('team-empty').textContent(), /North FC has no athletes yet/);
  await screenshot(page, 'fresh-empty-team-desktop');
  await page.setViewportSize(viewports.phone);
  await screenshot(page, 'fresh-empty-team-phone');
  await page.setViewportSize(viewports.desktop);
  await page.getByTestId('team-empty-import').click();
  await page.waitForURL(`**/import?team=${team}`);

  // A CSV with two bad rows: the preview names them and stores nothing; the
  // import without "skip bad rows" stores nothing; with it, the rest.
  const imports = new ImportPage(page, origin);
  await page.getByTestId('import-files').waitFor({ state: 'attached' });
  await imports.pick([{ name: 'march.csv', text: SESSIONS }]);
  await page.waitForFunction(() => document.querySelector('[aria-label="What march.csv holds"]')?.value === 'sessions');
  await imports.preview().click();
  const preview = imports.previewResult();
  await preview.waitFor();
  const rejected = await imports.rejectedRows(preview).allTextContents();
  assert.equal(rejected.length, 2);
  assert.match(rejected[0], /march\.csv5date2020-02-30/);
  assert.match(rejected[1], /march\.csv6duration_minsixty/);
  assert.equal(await status(page, '/api/athletes/fresh-a'), 404, 'the preview stored nothing');
  await imports.confirm().click();
  await imports.report().waitFor();
  assert.match(await imports.outcome(imports.report()).textContent(), /Nothing stored: 2 rows could not be read/);
  assert.equal(await status(page, '/api/athletes/fresh-a'), 404, 'a refused file stored nothing');
  await imports.skipBad().check();
  await imports.preview().click();
  await preview.waitFor();
  await imports.confirm().click();
  await imports.report().waitFor();
  assert.match(await imports.outcome(imports.report()).textContent(), /Stored: 3 added, 0 updated, 0 unchanged, 2 rejected/);
  await screenshot(page, 'fresh-import-desktop');

  // Two FIT files for one of the athletes the CSV added.
  await imports.open(`?team=${team}`);
  await page.getByTestId('import-files').setInputFiles([join(fixtures, 'Activity.fit'), join(fixtures, 'garmin-fenix-5-bike.fit')]);
  await page.getByTestId('import-athlete-choice').selectOption('fresh-a');
  await imports.preview().click();
  await imports.previewResult().waitFor();
  await imports.confirm().click();
  await imports.report().waitFor();
  const stored = await imports.report().getByTestId('import-outcome').allTextContents();
  assert.deepEqual(stored, ['Stored: 1 added, 0 updated, 0 unchanged, 0 rejected.', 'Stored: 1 added, 0 updated, 0 unchanged, 0 rejected.']);
  const sessions = await page.evaluate(async () => (await (await fetch('/api/athletes/fresh-a/sessions')).json()).length);
  assert.equal(sessions, 4, 'two from the CSV, two from the FIT files');

  // The team page lists the two athletes now, at the team's own address too.
  await new SignInPage(page, origin).goto(`/team/${team}`);
  await page.getByTestId('team-table').waitFor();
  assert.equal(await page.getByTestId('team-row').count(), 2);
  await screenshot(page, 'fresh-team-desktop');

  // An invitation for fresh-a, opened in the athlete's own browser.
  await new SignInPage(page, origin).goto('/athletes/fresh-a/records');
  await page.getByTestId('invite-create').click();
  const link = await page.getByTestId('invite-link').inputValue();
  assert.match(link, /\/invite\/[0-9a-f]{64}$/);
  await coach.close();

  const athlete = await openPage(browser, viewports.phone);
  await athlete.page.goto(link);
  await athlete.page.getByTestId('invite-form').waitFor();
  await athlete.page.getByTestId('invite-email').fill(ATHLETE.email);
  await athlete.page.getByTestId('invite-password').fill(ATHLETE.password);
  await athlete.page.getByTestId('invite-repeat').fill(ATHLETE.password);
  await athlete.page.getByTestId('invite-accept').click();
  await athlete.page.waitForURL('**/athletes/fresh-a');
  await athlete.page.getByTestId('athlete-name').waitFor();
  await screenshot(athlete.page, 'fresh-athlete-phone');

  // Only their own page: the team page and the other athlete are not theirs.
  await athlete.page.goto(`${origin}/team`);
  await athlete.page.getByTestId('coaches-only').waitFor();
  assert.equal(await status(athlete.page, '/api/athletes/fresh-b'), 404);
  assert.ok([403, 404].includes(await status(athlete.page, `/api/teams/${team}/athletes`)), 'the team list is not theirs');
  await athlete.page.setViewportSize(viewports.desktop);
  await screenshot(athlete.page, 'fresh-athlete-team-desktop');
  await athlete.close();
});
