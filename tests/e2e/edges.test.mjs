// End-to-end tests of the edges where work used to be lost: a session that
// expires with unsaved plan edits or an unsent check-in, a deep link opened
// signed out, and the "sign in" prompt that flashed by on every full load.
// On a phone (375 px), as the athletes and most coaches use Forma.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';
import { PlanPage } from './pages/plan.mjs';

// p04's plan is this file's; nothing here is saved. (The check-in's edges are in
// check-in.test.mjs.)
const PLAN_ATHLETE = 'p04';

// The sign-in page's address that returns to `path`.
const signInFor = (path) => (url) => url.pathname === '/sign-in' && url.searchParams.get('next') === path;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an expired session keeps the plan edits and the note, and sign-in returns to the plan with them', async () => {
  const { page, problems, close } = await openPage(browser, viewports.phone);
  const signIn = new SignInPage(page);
  await signIn.signIn(demo.coach);
  await page.waitForURL('**/team');
  const plan = new PlanPage(page);
  await plan.open(PLAN_ATHLETE);
  await page.getByTestId('add-session').nth(1).click();

  await plan.minutes().first().fill('77');
  await plan.note().fill('Two easy days after the race.');
  const edited = await plan.planJson();
  assert.equal(edited.days.flat().find((s) => s.minutes !== null)?.minutes, 77);

  // The session ends behind the app's back, as an expiry would; Save finds out.
  await page.context().clearCookies();
  await plan.save().click();
  await page.getByTestId('session-expired').waitFor();
  assert.match(await page.getByTestId('session-expired').textContent(), /Unsaved edits are kept in this browser/);
  await screenshot(page, 'plan-session-expired-phone');

  await page.getByTestId('session-expired').getByRole('link', { name: 'Sign in again' }).click();
  await page.waitForURL(signInFor(`/athletes/${PLAN_ATHLETE}/plan`));
  await page.getByLabel('Email').fill(demo.coach.email);
  await page.getByLabel('Password').fill(demo.coach.password);
  await page.locator('form').getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL(`**/athletes/${PLAN_ATHLETE}/plan`);
  await plan.restored().waitFor();
  assert.match(await plan.restored().textContent(), /Your unsaved edits from \d\d:\d\d are back, with the note/);
  assert.deepEqual(await plan.planJson(), edited, 'the edits are back');
  assert.equal(await plan.note().inputValue(), 'Two easy days after the race.');
  assert.equal(await page.getByTestId('session-expired').count(), 0);
  await screenshot(page, 'plan-edits-restored-phone');

  // Discarding them brings the plan as it was, and a reload keeps it so.
  await page.getByTestId('plan-discard').click();
  assert.notDeepEqual(await plan.planJson(), edited);
  assert.equal(await plan.note().inputValue(), '');
  await page.reload();
  await page.getByTestId('plan-grid').waitFor();
  assert.equal(await plan.restored().count(), 0);
  assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  await close();
});

test('a deep link opened signed out lands on that page after sign-in', async () => {
  const { page, problems, close } = await openPage(browser, viewports.phone);
  const signIn = new SignInPage(page);
  await signIn.goto('/athletes/p05');
  await page.getByTestId('sign-in-required').waitFor();
  await page.getByTestId('sign-in-required').getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(signInFor('/athletes/p05'));
  await page.getByLabel('Email').fill(demo.coach.email);
  await page.getByLabel('Password').fill(demo.coach.password);
  await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/athletes/p05');
  await page.getByTestId('athlete-name').waitFor();
  assert.equal(await page.getByTestId('athlete-name').textContent(), 'Participant P05');

  // The header's "Sign in" link returns too, with the query.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
  await signIn.goto('/labels?athlete=p05');
  await page.locator('header').getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(signInFor('/labels?athlete=p05'));
  await page.getByLabel('Email').fill(demo.coach.email);
  await page.getByLabel('Password').fill(demo.coach.password);
  await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/labels' && url.search === '?athlete=p05');

  // Another site's address is never returned to.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
  await signIn.goto('/sign-in?next=//evil.test/');
  await page.getByLabel('Email').fill(demo.coach.email);
  await page.getByLabel('Password').fill(demo.coach.password);
  await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/team');
  // Asking the server after a sign-out is answered 401, as it should be.
  assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  await close();
});

test('a full load while signed in never shows a sign-in prompt while the session is checked', async () => {
  const { page, problems, close } = await openPage(browser, viewports.phone);
  await new SignInPage(page).signIn(demo.coach);
  await page.waitForURL('**/team');
  // Records, from the first byte of every load, whether a sign-in prompt or the
  // header's "Sign in" link is ever on the page.
  await page.addInitScript(() => {
    window.__signInSeen = [];
    const look = () => {
      for (const [what, selector] of [['prompt', '[data-testid=sign-in-required]'], ['header link', 'header .sign-in-link']]) {
        if (document.querySelector(selector) && !window.__signInSeen.includes(what)) {
          window.__signInSeen.push(what);
        }
      }
    };
    new MutationObserver(look).observe(document, { childList: true, subtree: true });
  });
  for (const path of ['/team', '/athletes/p06', '/plan', '/labels', '/model']) {
    await page.goto(`${new URL(page.url()).origin}${path}`);
    await page.getByTestId('account').waitFor();
    await page.locator('main [data-testid]').first().waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(await page.evaluate(() => window.__signInSeen), [], `on ${path}`);
  }
  assert.deepEqual(problems, []);
  await close();
});
