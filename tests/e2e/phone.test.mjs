// End-to-end tests of the phone layout: the team table as cards with every cell,
// a sticky header that shrinks to the navigation once scrolled, and chart legends
// beside the plot, never over it. At 375 px, and at 1280 px where the team page
// stays a table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';
import { TeamPage } from './pages/team.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function signedInCoach(viewport) {
  const opened = await openPage(browser, viewport);
  await new SignInPage(opened.page).signIn(demo.coach);
  await opened.page.waitForURL('**/team');
  return opened;
}

const LABELS = ['Needs a look', 'Today', 'Load ratio (7:28)', 'Form (TSB)', 'Readiness', 'Data', 'Quality'];

test('on a phone the team table is a list of cards: every cell there, labelled, no sideways scrolling', async () => {
  const { page, problems, close } = await signedInCoach(viewports.phone);
  const team = new TeamPage(page);
  await team.open();
  assert.equal(await team.rows().count(), 16);
  assert.ok(await team.pageWidth() <= viewports.phone.width, `the page is ${await team.pageWidth()} px wide`);
  const scroller = await page.locator('.team-scroll').evaluate((e) => e.scrollWidth - e.clientWidth);
  assert.ok(scroller <= 0, `the table scrolls sideways by ${scroller} px`);
  // The headers stay for screen readers, in a 1 px box.
  const head = await page.locator('.team-table thead').boundingBox();
  assert.ok(head.height <= 1 && head.width <= 1, `column headers shown on a phone: ${JSON.stringify(head)}`);

  for (const card of await team.cards()) {
    assert.ok(card.left >= 0 && card.right <= viewports.phone.width, `${card.athlete}'s card is off the screen`);
    assert.deepEqual(card.cells.map((c) => c.label), LABELS);
    for (const cell of card.cells) {
      assert.ok(cell.right <= card.right + 0.5, `${card.athlete}: ${cell.label} sticks out`);
      if (cell.label !== 'Needs a look') {
        assert.equal(cell.shownLabel, `"${cell.label}"`, `${card.athlete}: ${cell.label} is not labelled`);
      }
    }
    const byLabel = Object.fromEntries(card.cells.map((c) => [c.label, c.text]));
    assert.ok(byLabel['Load ratio (7:28)'].length > 0 && byLabel.Data.length > 0 && byLabel.Quality.length > 0, JSON.stringify(byLabel));
  }
  await screenshot(page, 'team-cards-phone');

  // The sort the headers gave is a list on a phone.
  await team.sort().selectOption('name');
  const names = await team.names();
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
  await team.sort().selectOption('ratio-high');
  const ratios = await team.rows().evaluateAll((rows) => rows
    .map((r) => Number(r.querySelector('td[data-label^="Load ratio"]').textContent))
    .filter((x) => !Number.isNaN(x)));
  assert.deepEqual(ratios, [...ratios].sort((a, b) => b - a));
  assert.deepEqual(problems, []);
  await close();
});

test('at desktop width the team page stays a sortable table', async () => {
  const { page, problems, close } = await signedInCoach(viewports.desktop);
  const team = new TeamPage(page);
  await team.open();
  assert.ok(await page.locator('.team-table thead').isVisible());
  assert.ok(!(await team.sort().isVisible()), 'the phone sort list is hidden');
  const display = await team.rows().first().evaluate((r) => getComputedStyle(r).display);
  assert.equal(display, 'table-row');
  assert.equal(await page.getByRole('table').getByRole('row').count(), 17, 'the table is a table to screen readers');
  await screenshot(page, 'team-table-desktop');
  assert.deepEqual(problems, []);
  await close();
});

test('the sticky header shrinks to its navigation row once the page scrolls', async () => {
  const { page, problems, close } = await signedInCoach(viewports.phone);
  const team = new TeamPage(page);
  await team.open();
  const header = page.locator('header.shell-header');
  const visible = () => header.evaluate((h) => Math.max(0, h.getBoundingClientRect().bottom));
  const full = await visible();
  await page.evaluate(() => window.scrollTo(0, 800));
  await page.waitForFunction(() => window.scrollY >= 800);
  const stuck = await visible();
  assert.ok(stuck <= 56, `the stuck header covers ${stuck} px of ${viewports.phone.height}`);
  assert.ok(full > stuck, `the header is ${full} px at the top`);
  assert.ok(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).isVisible(), 'the navigation stays');
  await screenshot(page, 'header-scrolled-phone');
  console.log(`# header on a phone: ${full.toFixed(0)} px at the top, ${stuck.toFixed(0)} px once scrolled`);
  assert.deepEqual(problems, []);
  await close();
});

test('chart legends sit beside the plot, not over its bars and lines', async () => {
  for (const viewport of [viewports.phone, viewports.desktop]) {
    const { page, problems, close } = await signedInCoach(viewport);
    await page.goto(`${new URL(page.url()).origin}/athletes/p07`);
    for (const name of ['load', 'pmc', 'readiness']) {
      const legend = page.getByTestId(`legend-${name}`);
      await legend.locator('li').first().waitFor();
      const items = await legend.locator('li').allTextContents();
      assert.ok(items.length >= 2, `${name}: ${items}`);
      const [l, c] = [await legend.boundingBox(), await page.getByTestId(`canvas-${name}`).boundingBox()];
      assert.ok(l.y + l.height <= c.y, `${name}: the legend (to ${l.y + l.height}) overlaps the canvas (from ${c.y})`);
    }
    assert.ok((await page.getByTestId('legend-load').textContent()).includes('Daily load'));
    await page.getByTestId('chart-load').screenshot({ path: `${process.env.FORMA_SCREENSHOT_DIR ?? 'target/e2e'}/chart-load-legend-${viewport.width}.png` });
    assert.deepEqual(problems, []);
    await close();
  }
});
