// Page object for the athlete's check-in card on their own page.
import { Shell } from './shell.mjs';

// The card's messages, word for word as the app says them (src/components/check_in.rs).
export const says = {
  stored: 'Thanks, saved. Your coach sees it now.',
  offline:
    'No connection to Forma right now. Your check-in is kept on this device and will be sent by itself when the connection is back; the header shows it waiting.',
  sentLater: 'Your check-in that waited on this device has reached Forma. Your coach sees it now.',
};

export class CheckIn extends Shell {
  card() {
    return this.page.getByTestId('check-in');
  }

  async waitForCard() {
    await this.card().waitFor();
    // The card has read today's stored day when it shows the form or the filed values.
    await this.page.locator('[data-testid=check-in-save], [data-testid=check-in-edit]').first().waitFor();
  }

  // Chooses an answer (a second tap on a chosen one would take it back).
  async answer(item, value) {
    const button = this.page.getByTestId(`check-in-${item}`).getByRole('button', { name: String(value), exact: true });
    if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  }

  async save() {
    await this.page.getByTestId('check-in-save').click();
    await this.message().waitFor();
    return (await this.message().textContent()).trim();
  }

  message() {
    return this.page.getByTestId('check-in-message');
  }

  filed() {
    return this.page.getByTestId('check-in-filed');
  }

  // The filed values as { item: text }.
  async filedValues() {
    return this.page.locator('.filed-values li').evaluateAll((items) =>
      Object.fromEntries(items.map((li) => [li.dataset.testid.replace('filed-', ''), li.textContent.trim()])),
    );
  }

  // The API's stored day and yesterday's sessions, asked with the page's session.
  async stored(athlete, day, yesterday) {
    return this.page.evaluate(
      async ({ athlete, day, yesterday }) => ({
        wellness: await (await fetch(`/api/athletes/${athlete}/wellness?from=${day}&to=${day}`)).json(),
        sessions: await (await fetch(`/api/athletes/${athlete}/sessions?from=${yesterday}&to=${yesterday}`)).json(),
      }),
      { athlete, day, yesterday },
    );
  }
}
