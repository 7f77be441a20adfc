// End-to-end tests of signing in and of what each role may see.
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

test('a coach signs in, lands on the team page and sees all sixteen demo athletes', async () => {
  const { page, problems, close } = await openPage(browser);
  const signIn = new SignInPage(page);

  await signIn.signIn(demo.coach);

  await page.waitForURL('**/team');
  await page.getByTestId('team-table').waitFor();
  assert.equal(await page.getByTestId('team-row').count(), 16);
  assert.match(await page.getByTestId('account').textContent(), /Demo Coach/);
  assert.deepEqual(await signIn.navLinks().allTextContents(), ['Team', 'Labels', 'Plan', 'Model', 'Import', 'Roster']);
  await screenshot(page, 'team-after-sign-in-desktop');
  assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  await close();
});

test('an athlete signs in, sees only their own page, and another athlete is not allowed', async () => {
  const { page, close } = await openPage(browser, viewports.phone);
  const signIn = new SignInPage(page);

  await signIn.signIn(demo.p01);

  await page.waitForURL('**/athletes/p01');
  await page.getByTestId('athlete-name').waitFor();
  assert.equal(await page.getByTestId('athlete-name').textContent(), 'Participant P01');
  assert.deepEqual(await signIn.navLinks().allTextContents(), ['My page']);
  await screenshot(page, 'athlete-own-page-phone');

  await signIn.goto('/athletes/p02');
  await page.getByTestId('not-allowed').waitFor();
  assert.doesNotMatch(await page.locator('main').textContent(), /Participant P02/);
  await screenshot(page, 'athlete-not-allowed-phone');
  await close();
});

test('a wrong password is refused with a message and no session', async () => {
  const { page, close } = await openPage(browser);
  const signIn = new SignInPage(page);

  await signIn.signIn({ email: demo.coach.email, password: 'not-the-password' });

  await signIn.error().waitFor();
  assert.ok((await signIn.error().textContent()).length > 10);
  assert.equal(await page.getByTestId('account').count(), 0);
  await close();
});

test('signing out ends the session, and an expired session says so', async () => {
  const { page, close } = await openPage(browser);
  const signIn = new SignInPage(page);
  await signIn.signIn(demo.coach);
  await page.waitForURL('**/team');
  await page.getByTestId('team-table').waitFor();

  // The session ends behind the app's back, as an expiry would.
  await page.context().clearCookies();
  await signIn.navLink('Model').click();
  await signIn.navLink('Team').click();
  await page.getByTestId('session-expired').waitFor();
  assert.match(await page.getByTestId('session-expired').textContent(), /expired/);

  await signIn.signIn(demo.coach);
  await page.waitForURL('**/team');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
  await signIn.goto('/team');
  await page.getByTestId('sign-in-required').waitFor();
  await close();
});
