// Page object for /labels, the keyboard-driven label queue.
import { Shell } from './shell.mjs';

export class LabelsPage extends Shell {
  // Opens the queue (optionally at another server's address) and waits for its items.
  async open(query = '', origin = null) {
    if (origin) {
      await this.page.goto(`${origin}/labels${query}`);
    } else {
      await this.goto(`/labels${query}`);
    }
    await this.items().first().waitFor();
  }

  items() {
    return this.page.getByTestId('queue-item');
  }

  current() {
    return this.page.locator('[data-testid=queue-item][data-current=true]');
  }

  async currentKey() {
    return this.current().getAttribute('data-key');
  }

  // Labels the item under the cursor with the keyboard alone: the code's number
  // key, n to write the note, Enter to save, and Enter again when the label also
  // covers other items and the page asks first.
  async labelByKeyboard(codeKey, note) {
    await this.page.keyboard.press(codeKey);
    if (note) {
      await this.page.keyboard.press('n');
      await this.page.keyboard.type(note);
    }
    await this.page.keyboard.press('Enter');
    if (await this.confirming()) {
      await this.page.keyboard.press('Enter');
    }
  }

  // The other items the current item's label would also cover (their keys).
  async alsoCovered() {
    return this.page.getByTestId('also-item').evaluateAll((items) => items.map((i) => i.dataset.key));
  }

  // Whether the page asks to confirm a label that covers other items.
  async confirming() {
    return (await this.page.locator('[data-testid=also-covered][data-confirming=true]').count()) > 0;
  }

  item(key) {
    return this.page.locator(`[data-testid=queue-item][data-key="${key}"]`);
  }

  message() {
    return this.page.getByTestId('queue-message');
  }

  shortcuts() {
    return this.page.getByTestId('shortcuts');
  }

  // How many labels wait in this browser for the server.
  async waiting() {
    return Number(await this.page.getByTestId('queue-waiting').getAttribute('data-waiting'));
  }

  async waitUntilSent(timeout = 30_000) {
    await this.page.waitForFunction(
      () => document.querySelector('[data-testid=queue-waiting]')?.dataset.waiting === '0',
      null,
      { timeout },
    );
  }

  // The labels export, fetched with the page's own session.
  async export(format = 'csv') {
    return this.page.evaluate(async (f) => {
      const response = await fetch(`/api/labels/export?format=${f}`);
      return { status: response.status, version: response.headers.get('x-forma-vocabulary-version'), text: await response.text() };
    }, format);
  }
}

// Reads CSV text (quoted cells, doubled quotes, line breaks in quotes) into objects
// keyed by the header.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') {
      cell += c;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}
