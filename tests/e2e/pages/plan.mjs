// Page object for /athletes/:id/plan.
import { Shell } from './shell.mjs';

export class PlanPage extends Shell {
  async open(athlete) {
    await this.goto(`/athletes/${athlete}/plan`);
    await this.page.getByTestId('plan-grid').waitFor();
    await this.page.getByTestId('projection-table').waitFor();
  }

  // A summary figure of the edited plan, or of the plan before the edits.
  async summary(name, before = false) {
    const id = `summary-${name}${before ? '-before' : ''}`;
    const value = await this.page.getByTestId(id).getAttribute('data-value');
    return value === '' ? null : Number(value);
  }

  fingerprint() {
    return this.page.getByTestId('projection-fingerprint').textContent();
  }

  async planJson() {
    return JSON.parse(await this.page.getByTestId('plan-json').textContent());
  }

  // Types `value` into a session's minutes and waits for that edit's timings:
  // the projection changes first; the summary and chart time is taken once the
  // page is laid out, the whole page's (the table a frame behind) once painted.
  async editAndTime(input, value) {
    const count = (id) => this.page.getByTestId(id).textContent().then(Number);
    const before = await this.fingerprint();
    const [updates, pages] = [await count('update-count'), await count('page-count')];
    // Also timed from outside the page's code, on the page's clock: from before
    // the edit is typed to after its counts have moved. The page's own interval
    // lies inside this one.
    const clock = () => this.page.evaluate(() => performance.now());
    const t0 = await clock();
    await input.fill(String(value));
    await this.page.waitForFunction((b) => document.querySelector('[data-testid=projection-fingerprint]').textContent !== b, before);
    const after = (id, n) => this.page.waitForFunction(({ id, n }) => Number(document.querySelector(`[data-testid=${id}]`).textContent) > n, { id, n });
    await after('update-count', updates);
    await after('page-count', pages);
    const outside = (await clock()) - t0;
    return { update: await this.updateMs(), page: Number(await this.page.getByTestId('page-ms').textContent()), outside };
  }

  async updateMs() {
    return Number(await this.page.getByTestId('update-ms').textContent());
  }

  minutes() {
    return this.page.getByTestId('session-minutes');
  }

  rpe() {
    return this.page.getByTestId('session-rpe');
  }

  // The field's own message, next to it, when its value is not accepted.
  fieldError(input) {
    return input.locator('xpath=ancestor::span[contains(@class, "plan-field")]').getByTestId('field-error');
  }

  save() {
    return this.page.getByTestId('plan-save');
  }

  // Why Save is off, next to it (empty while it is on).
  saveBlocked() {
    return this.page.getByTestId('plan-invalid');
  }

  note() {
    return this.page.getByTestId('plan-note');
  }

  restored() {
    return this.page.getByTestId('plan-restored');
  }

  preset(name) {
    return this.page.getByTestId(`preset-${name}`);
  }

  message() {
    return this.page.getByTestId('plan-message');
  }
}

// Median, 95th percentile (nearest rank) and maximum of each timing of
// `editAndTime`'s results.
export function timingSummary(results) {
  const summary = {};
  for (const key of ['update', 'page']) {
    const sorted = results.map((r) => r[key]).sort((a, b) => a - b);
    summary[key] = {
      median: sorted[Math.floor(sorted.length / 2)],
      p95: sorted[Math.ceil(0.95 * sorted.length) - 1],
      max: sorted.at(-1),
    };
  }
  return { edits: results.length, ...summary };
}

export function timingWords({ edits, update, page }) {
  const f = (x) => x.toFixed(1);
  return `summary, explanation and chart: median ${f(update.median)} ms, p95 ${f(update.p95)} ms, max ${f(update.max)} ms; `
    + `whole page with the table: median ${f(page.median)} ms, p95 ${f(page.p95)} ms over ${edits} edits`;
}
