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

  async updateMs() {
    return Number(await this.page.getByTestId('update-ms').textContent());
  }

  minutes() {
    return this.page.getByTestId('session-minutes');
  }

  preset(name) {
    return this.page.getByTestId(`preset-${name}`);
  }

  message() {
    return this.page.getByTestId('plan-message');
  }
}
