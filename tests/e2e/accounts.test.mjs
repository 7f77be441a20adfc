// End-to-end: an admin keeps the accounts on a server of this test's own (its
// admin made with `forma user add`): creates a coach for the demo team, makes a
// reset link the coach opens to set a password and land on the team page,
// disables and enables the account. (Giving and taking teams: tests/api.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { formaBin, freePort, startServer } from './support/server.mjs';
import { SignInPage } from './pages/sign-in.mjs';

let browser;
let server;
let origin;
let dataDir;
const ADMIN = { email: 'admin@club.no', password: 'admin-password-1' };

before(async () => {
  browser = await launch();
  dataDir = mkdtempSync(join(tmpdir(), 'forma-accounts-'));
  const port = await freePort();
  server = startServer({ port, dataDir });
  await server.ready;
  origin = `http://127.0.0.1:${port}`;
  const made = spawnSync(
    formaBin(),
    ['user', 'add', '--data-dir', dataDir, '--email', ADMIN.email, '--role', 'admin', '--name', 'Club Admin', '--password-stdin'],
    { input: `${ADMIN.password}\n`, encoding: 'utf8' },
  );
  assert.equal(made.status, 0, made.stderr);
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('an admin creates a coach, resets the password with a link, disables and enables the account', async () => {
  const { page, problems, close } = await openPage(browser, viewports.desktop);
  const signIn = new SignInPage(page, origin);
  await signIn.signIn(ADMIN);
  await page.getByTestId('account').waitFor();
  await signIn.navLink('Accounts').click();
  await page.waitForURL('**/accounts');
  await page.getByTestId('new-account').waitFor();

  await page.getByTestId('account-email').fill('new.coach@club.no');
  await page.getByTestId('account-name').fill('New Coach');
  await page.getByTestId('account-password').fill('short');
  await page.getByTestId('new-team-demo').locator('input').check();
  await page.getByTestId('account-create').click();
  await page.getByTestId('account-message').filter({ hasText: 'password' }).waitFor();
  await page.getByTestId('account-password').fill('first-password-1');
  await page.getByTestId('account-create').click();
  const row = page.getByTestId('account-row').filter({ hasText: 'new.coach@club.no' });
  await row.waitFor();
  assert.match(await row.textContent(), /coach/);
  await screenshot(page, 'accounts-desktop');

  await row.getByTestId('account-reset').click();
  const link = await row.getByTestId('reset-link').inputValue();
  assert.match(link, /\/reset\/[0-9a-f]{64}$/);

  const coach = await openPage(browser, viewports.phone);
  await coach.page.goto(link);
  await coach.page.getByTestId('reset-form').waitFor();
  await coach.page.getByTestId('reset-password').fill('coach-password-2');
  await coach.page.getByTestId('reset-repeat').fill('coach-password-2');
  await coach.page.getByTestId('reset-save').click();
  await coach.page.waitForURL('**/team');
  await coach.page.getByTestId('team-table').waitFor();
  await coach.page.goto(link);
  await coach.page.getByTestId('reset-error').waitFor();
  assert.match(await coach.page.getByTestId('reset-error').textContent(), /was used on/);
  await screenshot(coach.page, 'reset-used-phone');

  await row.getByTestId('account-disable').click();
  await row.filter({ hasText: '· disabled' }).waitFor();
  await coach.page.goto(`${origin}/team`);
  await coach.page.getByTestId('sign-in-required').or(coach.page.getByTestId('session-expired')).first().waitFor();
  const refused = new SignInPage(coach.page, origin);
  await refused.signIn({ email: 'new.coach@club.no', password: 'coach-password-2' });
  await refused.error().waitFor();
  assert.match(await refused.error().textContent(), /disabled/);
  await coach.close();

  const again = page.getByTestId('account-row').filter({ hasText: 'new.coach@club.no' });
  await again.getByTestId('account-disable').click();
  await row.filter({ hasNotText: '· disabled' }).waitFor();
  await page.setViewportSize(viewports.phone);
  await screenshot(page, 'accounts-phone');
  assert.deepEqual(problems.filter((p) => !/40[0-9]|422/.test(p)), []);
  await close();
});
