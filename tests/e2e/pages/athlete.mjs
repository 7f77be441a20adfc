// Page object for /athletes/:id: charts, their read-outs, summaries and tables.
import { Shell } from './shell.mjs';

export class AthletePage extends Shell {
  async open(id) {
    await this.goto(`/athletes/${id}`);
    await this.page.getByTestId('canvas-load').waitFor();
  }

  canvas(name) {
    return this.page.getByTestId(`canvas-${name}`);
  }

  summary(name) {
    return this.page.getByTestId(`summary-${name}`);
  }

  // The share of the canvas's pixels that are not white: a drawn chart has many.
  async inkShare(name) {
    return this.canvas(name).evaluate((canvas) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) ink += 1;
      }
      return ink / (data.length / 4);
    });
  }

  async fingerprint(name) {
    return this.canvas(name).evaluate((canvas) => canvas.toDataURL());
  }

  async range(label) {
    await this.page.getByTestId('range-switch').getByRole('button', { name: label }).click();
  }

  async ratioForm(label) {
    await this.page.getByTestId('ratio-form').selectOption(label);
  }

  // The load table's rows as { date, load, ratio } strings.
  async loadTable() {
    await this.page.locator('[data-testid=chart-load] details summary').click();
    return this.page.getByTestId('table-load').locator('tbody tr').evaluateAll((rows) =>
      rows.map((row) => {
        const cells = [...row.querySelectorAll('th, td')].map((cell) => cell.textContent.trim());
        return { date: cells[0], load: cells[1], acute: cells[2], chronic: cells[3], ratio: cells[4] };
      }),
    );
  }

  // The same API answer the page used, fetched with the page's own session.
  async apiSeries(id) {
    return this.page.evaluate(async (athlete) => (await fetch(`/api/athletes/${athlete}/series`)).json(), id);
  }
}
