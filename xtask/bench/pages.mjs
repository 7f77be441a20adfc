// The page-render figures of `cargo xtask bench`, measured in headless Chromium:
// the team page for 50 athletes from the moment its data arrives to the rows on
// screen, and the athlete page with 3 years of data from its last answer to drawn
// charts. Usage: node pages.mjs URL EMAIL PASSWORD TEAM_ATHLETE_COUNT ATHLETE_ID
import { chromium } from 'playwright-core';

const [url, email, password, rows, athlete] = process.argv.slice(2);
const runs = 7;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(`${url}/sign-in`);
await page.getByLabel('Email').fill(email);
await page.getByLabel('Password').fill(password);
await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL('**/team');

// Records when a condition first holds, checked on every DOM change.
await context.addInitScript(() => {
  window.__marks = {};
  const check = () => {
    const rows = document.querySelectorAll('[data-testid=team-row]').length;
    if (rows > 0 && !window.__marks.rows) window.__marks.rows = { at: performance.now(), rows };
    if (document.querySelector('[data-testid=summary-readiness]') && !window.__marks.chartsSeen) {
      // Charts are drawn by effects right after the page is built; the next frame
      // comes after them.
      window.__marks.chartsSeen = true;
      requestAnimationFrame(() => {
        window.__marks.charts = performance.now();
      });
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
});

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${median.toFixed(1)} ms, best ${sorted[0].toFixed(1)} ms, worst ${sorted[sorted.length - 1].toFixed(1)} ms (${values.length} loads)`;
}

const team = [];
for (let i = 0; i < runs; i += 1) {
  await page.goto(`${url}/team`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=team-row]').length >= Number(n), rows);
  const { marks, arrived } = await page.evaluate(() => {
    const entry = performance.getEntriesByType('resource').filter((e) => e.name.includes('/athletes') && e.name.includes('/api/teams/')).pop();
    return { marks: window.__marks, arrived: entry?.responseEnd };
  });
  team.push(marks.rows.at - arrived);
}

const athletePage = [];
const allRange = [];
for (let i = 0; i < runs; i += 1) {
  await page.goto(`${url}/athletes/${athlete}`);
  await page.getByTestId('summary-readiness').waitFor();
  await page.waitForFunction(() => window.__marks.charts !== undefined);
  const { charts, arrived } = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/athletes/'));
    return { charts: window.__marks.charts, arrived: Math.max(...entries.map((e) => e.responseEnd)) };
  });
  athletePage.push(charts - arrived);
  // Switching to the whole history redraws three charts and their tables.
  const took = await page.evaluate(async () => {
    const before = document.querySelector('[data-testid=canvas-load]').toDataURL();
    const start = performance.now();
    [...document.querySelectorAll('[data-testid=range-switch] button')].find((b) => b.textContent === 'All').click();
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const changed = document.querySelector('[data-testid=canvas-load]').toDataURL() !== before;
    return changed ? performance.now() - start : NaN;
  });
  allRange.push(took);
}
const days = await page.evaluate(async (id) => (await (await fetch(`/api/athletes/${id}/series`)).json()).dates.length, athlete);
console.log(`team page, ${rows} athletes, data arrived to rows on screen: ${stats(team)}`);
console.log(`athlete page, ${days} days of history, last answer to three charts drawn (12-week view): ${stats(athletePage)}`);
console.log(`athlete page, switch to the whole ${days}-day history, click to redrawn charts and tables (two frames): ${stats(allRange)}`);
await browser.close();
