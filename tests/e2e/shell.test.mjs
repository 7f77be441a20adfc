// End-to-end tests of the app shell against a real `forma serve`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { baseUrl, launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { Shell } from './pages/shell.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const pages = [
  { path: '/', name: 'home', heading: 'Good morning' },
  { path: '/team', name: 'team', heading: 'Team' },
  { path: '/labels', name: 'labels', heading: 'Labels' },
  { path: '/plan', name: 'plan', heading: 'Plan' },
  { path: '/model', name: 'model', heading: 'Model' },
  { path: '/import', name: 'import', heading: 'Import' },
  { path: '/sign-in', name: 'sign-in', heading: 'Sign in' },
  { path: '/no/such/page', name: 'not-found', heading: 'Page not found' },
];

test('the shell renders at / with the product name, navigation and an ok status, without console errors', async () => {
  const { page, problems, close } = await openPage(browser);
  const shell = new Shell(page);
  await shell.goto('/');

  assert.equal(await shell.brand().textContent(), 'Forma');
  assert.deepEqual(await shell.navLinks().allTextContents(), ['Team', 'Labels', 'Plan', 'Model', 'Import', 'Roster']);
  assert.equal(await shell.signIn().count(), 1);
  assert.equal(await shell.settledStatus(), 'ok');
  assert.equal((await shell.status().textContent()).trim(), 'Online');
  assert.deepEqual(problems, []);
  await close();
});

test('a deep link such as /team loads directly and marks Team as the current page', async () => {
  const { page, problems, close } = await openPage(browser);
  const shell = new Shell(page);
  await shell.goto('/team');

  assert.equal(await shell.heading().textContent(), 'Team');
  assert.equal(await shell.navLink('Team').getAttribute('aria-current'), 'page');
  assert.equal(await shell.navLink('Plan').getAttribute('aria-current'), null);
  assert.deepEqual(problems, []);
  await close();
});

test('navigation moves between pages without reloading the app', async () => {
  const { page, close } = await openPage(browser);
  const shell = new Shell(page);
  await shell.goto('/');
  await page.evaluate(() => {
    window.__formaLoaded = true;
  });

  await shell.navLink('Model').click();
  await page.waitForURL('**/model');

  assert.equal(await shell.heading().textContent(), 'Model');
  assert.equal(await page.evaluate(() => window.__formaLoaded), true, 'the page was reloaded');
  await close();
});

test('an unknown address shows the not-found page with a way back', async () => {
  const { page, close } = await openPage(browser);
  const shell = new Shell(page);
  await shell.goto('/no/such/page');

  assert.equal(await shell.heading().textContent(), 'Page not found');
  assert.match(await page.getByTestId('not-found').textContent(), /\/no\/such\/page/);
  await page.getByRole('link', { name: 'Go to the start page' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await close();
});

for (const [width, viewport] of Object.entries(viewports)) {
  test(`every page renders at ${width} width (${viewport.width} px) without overflowing; screenshots saved`, async () => {
    const { page, problems, close } = await openPage(browser, viewport);
    const shell = new Shell(page);
    for (const { path, name, heading } of pages) {
      await shell.goto(path);
      await shell.settledStatus();
      assert.equal(await shell.heading().textContent(), heading, path);
      assert.ok((await shell.pageWidth()) <= viewport.width, `${path} is wider than ${viewport.width} px`);
      await screenshot(page, `${name}-${width}`);
    }
    assert.deepEqual(problems, []);
    await close();
  });
}

test('the app runs under its strict Content-Security-Policy with no violation', async () => {
  const { page, problems, close } = await openPage(browser);
  const response = await page.goto(new URL('/team', baseUrl).toString());
  const headers = response.headers();
  const policy = headers['content-security-policy'];
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  assert.doesNotMatch(policy, /unsafe-inline|'unsafe-eval'/);
  assert.match(policy, /frame-ancestors 'none'/);
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  const shell = new Shell(page);
  assert.equal(await shell.heading().textContent(), 'Team');
  assert.equal(await shell.settledStatus(), 'ok');
  assert.deepEqual(problems, []);
  await close();
});
