// Page object for /import.
import { Shell } from './shell.mjs';

export class ImportPage extends Shell {
  async open(query = '') {
    await this.goto(`/import${query}`);
    await this.page.getByTestId('import-files').waitFor({ state: 'attached' });
  }

  // Picks files given as { name, text }.
  async pick(files) {
    await this.page.getByTestId('import-files').setInputFiles(
      files.map(({ name, text }) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) })),
    );
  }

  kindOf(name) {
    return this.page.getByLabel(`What ${name} holds`);
  }

  preview() {
    return this.page.getByTestId('import-preview');
  }

  confirm() {
    return this.page.getByTestId('import-confirm');
  }

  skipBad() {
    return this.page.getByTestId('import-skip-bad');
  }

  previewResult() {
    return this.page.getByTestId('import-preview-result');
  }

  report() {
    return this.page.getByTestId('import-report');
  }

  outcome(section) {
    return section.getByTestId('import-outcome');
  }

  rejectedRows(section) {
    return section.getByTestId('import-rejected').locator('tbody tr');
  }
}
