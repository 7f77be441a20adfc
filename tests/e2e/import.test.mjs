// End-to-end tests of the Import page on a server of the test's own (the import
// adds athletes to the demo team): a CSV previewed (bad rows named, nothing
// stored), imported with its bad rows skipped, and imported again (nothing new);
// the team chooser of a coach of two teams; who else sees what on /import.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { freePort, formaBin, startServer } from './support/server.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';
import { ImportPage } from './pages/import.mjs';

const SESSIONS = `athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source
e2e-a,2020-03-02,run,60,5,,10,150,watch
e2e-a,2020-03-03,bike,90,4,,,,
e2e-b,2020-03-02,swim,45,6,,,,
e2e-b,2020-02-30,run,30,5,,,,
e2e-b,2020-03-04,run,sixty,5,,,,
`;

const twoTeams = { email: 'two-teams@e2e.forma', password: 'two-teams-pass' };
const admin = { email: 'admin@e2e.forma', password: 'admin-e2e-pass' };

let browser;
let server;
let origin;
let dataDir;

function forma(args, input) {
  const run = spawnSync(formaBin(), [...args, '--data-dir', dataDir], { input, encoding: 'utf8' });
  assert.equal(run.status, 0, `forma ${args.join(' ')}: ${run.stderr}`);
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'forma-e2e-import-'));
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = startServer({ port, dataDir });
  await server.ready;
  // A second team with one athlete, and a coach of both teams.
  const north = join(dataDir, 'north.csv');
  writeFileSync(north, 'athlete_id,date,duration_min,rpe\nnorth-1,2020-03-01,60,5\n');
  forma(['import', 'sessions', north, '--team', 'north', '--time-zone', 'Europe/Oslo']);
  forma(
    ['user', 'add', '--email', twoTeams.email, '--role', 'coach', '--team', 'demo', '--team', 'north', '--password-stdin'],
    `${twoTeams.password}\n`,
  );
  forma(['user', 'add', '--email', admin.email, '--role', 'admin', '--password-stdin'], `${admin.password}\n`);
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

test('a coach previews a CSV, imports it with its bad rows skipped, and a re-import adds nothing', async () => {
  const { page, problems, close } = await openPage(browser, viewports.desktop);
  await new SignInPage(page, origin).signIn(demo.coach);
  await page.waitForURL('**/team');
  const imports = new ImportPage(page, origin);
  await imports.open();

  await imports.pick([{ name: 'march.csv', text: SESSIONS }]);
  // The kind is read from the header.
  await page.waitForFunction(() => document.querySelector('[aria-label="What march.csv holds"]')?.value === 'sessions');
  await imports.preview().click();
  const preview = imports.previewResult();
  await preview.waitFor();

  assert.match(await imports.outcome(preview).textContent(), /2 rows cannot be read, so nothing of this file would be stored/);
  const rejected = await imports.rejectedRows(preview).allTextContents();
  assert.equal(rejected.length, 2);
  assert.match(rejected[0], /march\.csv5date2020-02-30/);
  assert.match(rejected[1], /march\.csv6duration_minsixty/);
  const facts = await preview.getByTestId('import-facts').textContent();
  assert.match(facts, /Rows read5 \(3 good\)/);
  assert.match(facts, /Dates2020-03-02 to 2020-03-03/);
  assert.match(await preview.getByTestId('import-new-athletes').textContent(), /e2e-a, e2e-b/);
  const firstRows = await preview.getByTestId('import-rows').locator('tbody tr').allTextContents();
  assert.equal(firstRows.length, 3);
  assert.match(firstRows[0], /^2e2e-a2020-03-02run605300/, 'line, cells and the load as RPE x minutes');
  assert.equal(await status(page, '/api/athletes/e2e-a'), 404, 'the preview stored nothing');
  await screenshot(page, 'import-preview-desktop');

  // Without "skip bad rows" the file is refused whole; with it, the rest is stored.
  await imports.confirm().click();
  await imports.report().waitFor();
  assert.match(await imports.outcome(imports.report()).textContent(), /Nothing stored: 2 rows could not be read/);
  assert.equal(await status(page, '/api/athletes/e2e-a'), 404);

  await imports.skipBad().check();
  await imports.preview().click();
  await preview.waitFor();
  assert.match(await imports.outcome(preview).textContent(), /Would add 3, update 0; 0 already in Forma; 2 rows left out/);
  await imports.confirm().click();
  const report = imports.report();
  await report.waitFor();
  assert.match(await imports.outcome(report).textContent(), /Stored: 3 added, 0 updated, 0 unchanged, 2 rejected/);
  assert.match(await report.textContent(), /New athletes: e2e-a, e2e-b/);
  assert.equal(await status(page, '/api/athletes/e2e-a'), 200);
  await screenshot(page, 'import-report-desktop');

  // The same file again: the preview and the import both say nothing is new.
  await imports.preview().click();
  await preview.waitFor();
  assert.match(await imports.outcome(preview).textContent(), /Nothing new: all 3 rows are already in Forma/);
  await imports.confirm().click();
  await report.waitFor();
  assert.match(await imports.outcome(report).textContent(), /Nothing new: all 3 rows were already in Forma, nothing added/);
  const sessions = await page.evaluate(async () => (await (await fetch('/api/athletes/e2e-a/sessions')).json()).length);
  assert.equal(sessions, 2, 'the re-import stored no session twice');
  // The two 404s are this test's own look-ups of the athlete before the import.
  assert.deepEqual(problems.filter((p) => !p.includes('status of 404')), []);
  await close();
});

test('a coach previews and imports two activity files for one athlete', async () => {
  const { page, problems, close } = await openPage(browser, viewports.desktop);
  await new SignInPage(page, origin).signIn(demo.coach);
  await page.waitForURL('**/team');
  const imports = new ImportPage(page, origin);
  await imports.open();
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const shared = join(root, '..', 'shared', 'data', 'activity-files');
  await page.getByTestId('import-files').setInputFiles([
    join(shared, 'fitparse-rs', 'fitparser', 'tests', 'fixtures', 'Activity.fit'),
    join(shared, 'sweatpy', 'sweat', 'examples', 'data', '4078723797_strava.gpx'),
  ]);
  await imports.preview().click();
  assert.match(await page.getByRole('alert').textContent(), /Choose the athlete/);
  await page.getByTestId('import-athlete-choice').selectOption('p01');
  const before = await page.evaluate(async () => (await (await fetch('/api/athletes/p01/sessions')).json()).length);
  await imports.preview().click();
  const preview = imports.previewResult();
  await preview.waitFor();
  const outcomes = await preview.getByTestId('import-outcome').allTextContents();
  assert.deepEqual(outcomes, ['Would add 1, update 0; 0 already in Forma.', 'Would add 1, update 0; 0 already in Forma.']);
  const after = await page.evaluate(async () => (await (await fetch('/api/athletes/p01/sessions')).json()).length);
  assert.equal(after, before, 'the preview stored no session');
  await imports.confirm().click();
  await imports.report().waitFor();
  const stored = await imports.report().getByTestId('import-outcome').allTextContents();
  assert.deepEqual(stored, ['Stored: 1 added, 0 updated, 0 unchanged, 0 rejected.', 'Stored: 1 added, 0 updated, 0 unchanged, 0 rejected.']);
  const now = await page.evaluate(async () => (await (await fetch('/api/athletes/p01/sessions')).json()).length);
  assert.equal(now, before + 2);
  assert.deepEqual(problems, []);
  await close();
});

test('the Import page at phone width keeps the form and the preview readable', async () => {
  const { page, problems, close } = await openPage(browser, viewports.phone);
  await new SignInPage(page, origin).signIn(demo.coach);
  await page.waitForURL('**/team');
  const imports = new ImportPage(page, origin);
  await imports.open();
  await imports.pick([{ name: 'march.csv', text: SESSIONS }]);
  await page.waitForFunction(() => document.querySelector('[aria-label="What march.csv holds"]')?.value === 'sessions');
  await imports.preview().click();
  await imports.previewResult().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  await screenshot(page, 'import-preview-phone');
  assert.deepEqual(problems, []);
  await close();
});

test('a coach of two teams switches team in the header; the team and Import pages follow', async () => {
  const { page, problems, close } = await openPage(browser, viewports.desktop);
  await new SignInPage(page, origin).signIn(twoTeams);
  await page.waitForURL('**/team');
  const chooser = page.getByTestId('team-chooser').locator('select');
  await chooser.waitFor();
  await page.locator('.team-table').waitFor();
  assert.ok((await page.locator('.team-table tbody tr').count()) > 1, 'the demo team first');

  await chooser.selectOption('north');
  await page.waitForURL('**/team?team=north');
  await page.getByText('north-1').first().waitFor();
  assert.equal(await page.locator('.team-table tbody tr').count(), 1, "only north's athlete");
  await screenshot(page, 'team-chooser-desktop');

  // Remembered: the team page without ?team, and the Import page, show north.
  await page.goto(`${origin}/team`);
  await page.getByText('north-1').first().waitFor();
  assert.equal(await page.locator('.team-table tbody tr').count(), 1);
  const imports = new ImportPage(page, origin);
  await imports.open();
  assert.equal(await page.getByTestId('import-team').inputValue(), 'north');
  await page.goto(`${origin}/plan`);
  const planAthletes = page.getByTestId('plan-athletes').locator('li');
  await planAthletes.first().waitFor();
  assert.deepEqual(await planAthletes.allTextContents(), ['north-1'], "the Plan page lists north's athlete only");

  // Back to the demo team from the header, on the Import page.
  await imports.open();
  await page.getByTestId('team-chooser').locator('select').selectOption('demo');
  await page.waitForURL('**/import?team=demo');
  await page.waitForFunction(() => document.querySelector('[data-testid="import-team"]')?.value === 'demo');
  assert.deepEqual(problems, []);
  await close();
});

test('an admin imports into any team, as its coach would', async () => {
  const { page, problems, close } = await openPage(browser, viewports.desktop);
  await new SignInPage(page, origin).signIn(admin);
  await page.waitForURL('**/team**');
  // The admin sees both teams, so the header offers the chooser.
  await page.getByTestId('team-chooser').waitFor();
  const imports = new ImportPage(page, origin);
  await imports.open('?team=north');
  await imports.pick([{ name: 'north-admin.csv', text: 'athlete_id,date,duration_min,rpe\nnorth-2,2020-03-02,45,5\n' }]);
  await page.waitForFunction(() => document.querySelector('[aria-label="What north-admin.csv holds"]')?.value === 'sessions');
  await imports.preview().click();
  await imports.previewResult().waitFor();
  await imports.confirm().click();
  await imports.report().waitFor();
  assert.match(await imports.outcome(imports.report()).textContent(), /Stored: 1 added, 0 updated, 0 unchanged, 0 rejected/);
  const stored = await page.evaluate(async () => (await fetch('/api/athletes/north-2')).json());
  assert.equal(stored.team_id, 'north');
  assert.deepEqual(problems, []);
  await close();
});

test('an athlete on /import is sent to their own page, a visitor to sign in', async () => {
  const { page, problems, close } = await openPage(browser, viewports.phone);
  const imports = new ImportPage(page, origin);
  await imports.goto('/import');
  await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
  assert.equal(await page.getByTestId('import-files').count(), 0);

  await new SignInPage(page, origin).signIn(demo.p02);
  await page.waitForURL('**/athletes/p02');
  await imports.goto('/import');
  const card = page.getByTestId('import-athlete');
  await card.waitFor();
  assert.equal(await card.getByRole('link', { name: 'Go to my page' }).getAttribute('href'), '/athletes/p02');
  await screenshot(page, 'import-athlete-phone');
  assert.equal(await page.getByTestId('import-files').count(), 0);
  assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  await close();
});
