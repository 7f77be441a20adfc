// Page object for the app shell: header, navigation, status and main area.
import { baseUrl } from '../support/browser.mjs';

export class Shell {
  // `origin`: a server of the test's own (support/server.mjs), else FORMA_URL's.
  constructor(page, origin = baseUrl) {
    this.page = page;
    this.origin = origin;
  }

  async goto(path) {
    await this.page.goto(`${this.origin}${path}`);
    // The app has mounted when its header is on the page.
    await this.page.locator('header.shell-header').waitFor();
    await this.page.locator('main h1, main [data-testid]').first().waitFor();
  }

  brand() {
    return this.page.locator('.brand-name');
  }

  navLinks() {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  }

  navLink(name) {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  }

  signIn() {
    return this.page.locator('header').getByRole('link', { name: 'Sign in' });
  }

  status() {
    return this.page.getByTestId('server-status');
  }

  // Waits until the status indicator has an answer from /api/health.
  async settledStatus() {
    await this.page.waitForFunction(
      () => document.querySelector('[data-testid=server-status]')?.dataset.state !== 'checking',
    );
    return this.status().getAttribute('data-state');
  }

  heading() {
    return this.page.locator('main h1').first();
  }

  // The widest element's right edge, to catch layouts that overflow a phone screen.
  async pageWidth() {
    return this.page.evaluate(() => document.documentElement.scrollWidth);
  }
}
