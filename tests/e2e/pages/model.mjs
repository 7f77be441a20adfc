// Page object for /model.
import { Shell } from './shell.mjs';

export class ModelPage extends Shell {
  // Opens /model and waits for the model card; the first model is trained in the
  // background when the server starts, so until it is active the page says so
  // and the test looks again.
  async openWithModel(timeoutMs = 180_000) {
    const started = Date.now();
    for (;;) {
      await this.goto('/model');
      await this.card().or(this.none()).waitFor({ timeout: 15_000 });
      if (await this.card().isVisible()) return;
      if (Date.now() - started > timeoutMs) throw new Error('no active model after waiting');
      await this.page.waitForTimeout(1000);
    }
  }

  card() {
    return this.page.getByTestId('model-card');
  }

  none() {
    return this.page.getByTestId('model-none');
  }

  version() {
    return this.page.getByTestId('model-version');
  }

  verdict() {
    return this.page.getByTestId('model-verdict');
  }

  backtestRows(scheme) {
    return this.page.getByTestId(`backtest-${scheme}`).locator('table').first().locator('tbody tr');
  }

  cohortRows(scheme) {
    return this.page.getByTestId(`cohorts-${scheme}`).locator('tbody tr');
  }

  calibrationCanvas() {
    return this.page.getByTestId('canvas-calibration');
  }

  versionRows() {
    return this.page.getByTestId('model-version-row');
  }

  message() {
    return this.page.getByTestId('model-message');
  }
}
