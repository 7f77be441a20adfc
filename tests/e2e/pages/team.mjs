// Page object for /team.
import { Shell } from './shell.mjs';

export class TeamPage extends Shell {
  async open() {
    await this.goto('/team');
    await this.table().waitFor();
  }

  table() {
    return this.page.getByTestId('team-table');
  }

  rows() {
    return this.page.getByTestId('team-row');
  }

  sort() {
    return this.page.getByTestId('team-sort');
  }

  async names() {
    return this.rows().locator('th a').allTextContents();
  }

  // Each row as a card: its box, and each cell's label (shown before the value
  // on a phone), text and box.
  async cards() {
    return this.rows().evaluateAll((rows) => rows.map((row) => {
      const box = row.getBoundingClientRect();
      return {
        athlete: row.dataset.athlete,
        left: box.left,
        right: box.right,
        cells: [...row.querySelectorAll('td')].map((cell) => {
          const b = cell.getBoundingClientRect();
          return {
            label: cell.dataset.label,
            shownLabel: getComputedStyle(cell, '::before').content,
            text: cell.textContent.trim(),
            left: b.left,
            right: b.right,
            height: b.height,
          };
        }),
      };
    }));
  }
}
