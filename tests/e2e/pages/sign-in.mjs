// Page object for /sign-in.
import { Shell } from './shell.mjs';

export const demo = {
  coach: { email: 'coach@demo.forma', password: 'demo-coach' },
  p01: { email: 'p01@demo.forma', password: 'demo-athlete' },
  p02: { email: 'p02@demo.forma', password: 'demo-athlete' },
};

export class SignInPage extends Shell {
  async signIn({ email, password }) {
    await this.goto('/sign-in');
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.locator('form').getByRole('button', { name: 'Sign in' }).click();
  }

  error() {
    return this.page.getByTestId('sign-in-error');
  }
}
