// End-to-end: a coach keeps a team in the browser: creates a team, adds an
// athlete by hand, edits the profile (and sees its history), corrects the
// record (a session added, changed and deleted; an injury recorded and closed),
// invites the athlete (who sets a password, lands on their page and changes the
// password), moves and archives them; an athlete who opens a coach's page is
// sent to their own. The demo team is left as it was: everything here is a new
// team's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, openPage, screenshot, viewports } from './support/browser.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Team names that sort after the demo team's, so the team page still opens on it.
const TEAM = 'Zeta squad';
const RESERVES = 'Zeta reserves';

async function createTeam(page, name) {
  await page.getByTestId('new-team-name').fill(name);
  await page.getByTestId('new-team-create').click();
  await page.getByTestId('team-card').filter({ hasText: name }).first().waitFor();
}

test('a coach creates a team, adds an athlete, keeps the profile and the record, moves and archives them', async () => {
  const { page, problems, close } = await openPage(browser, viewports.desktop);
  const signIn = new SignInPage(page);
  await signIn.signIn(demo.coach);
  await page.waitForURL('**/team');

  await signIn.navLink('Roster').click();
  await page.waitForURL('**/roster');
  await createTeam(page, TEAM);
  await createTeam(page, RESERVES);
  const card = page.getByTestId('team-card').filter({ hasText: TEAM }).filter({ hasNotText: 'reserves' });
  await card.getByTestId('athlete-name-input').fill('Ada Lovelace');
  await card.getByTestId('athlete-zone-input').fill('Mars/Olympus');
  await card.getByTestId('athlete-add').click();
  await card.getByTestId('team-error').waitFor();
  assert.match(await card.getByTestId('team-error').textContent(), /time_zone `Mars\/Olympus`/);
  await card.getByTestId('athlete-zone-input').fill('Europe/Oslo');
  await card.getByTestId('athlete-add').click();
  await card.getByTestId('roster-row').filter({ hasText: 'Ada Lovelace' }).waitFor();
  assert.match(await card.locator('h2').textContent(), /\(1 athlete\)/);
  await screenshot(page, 'roster-desktop');

  await card.getByRole('link', { name: 'Profile and records' }).click();
  await page.waitForURL('**/athletes/ada-lovelace/records');
  await page.getByTestId('profile-card').waitFor();
  assert.equal(await page.getByTestId('records-name').textContent(), 'Ada Lovelace');

  // The profile: a broken rule is named; a good edit is saved and in the history.
  await page.getByTestId('profile-hr-max').fill('190');
  await page.getByTestId('profile-hr-rest').fill('195');
  await page.getByTestId('profile-save').click();
  await page.getByTestId('profile-error').waitFor();
  assert.match(await page.getByTestId('profile-error').textContent(), /hr_rest/);
  await page.getByTestId('profile-hr-rest').fill('48');
  await page.getByTestId('profile-birth-year').fill('1995');
  await page.getByTestId('profile-save').click();
  await page.getByTestId('profile-history').getByText(/edited/).waitFor();
  const history = await page.getByTestId('profile-history').textContent();
  assert.match(history, /hr_max: — → 190/);
  assert.match(history, /birth_year: — → 1995/);
  assert.match(history, /added/);

  // A session added, changed (load follows RPE x minutes), deleted.
  const sessions = page.getByTestId('sessions-card');
  await sessions.getByTestId('new-date').fill('2020-03-30');
  await sessions.getByTestId('new-sport').fill('run');
  await sessions.getByTestId('new-minutes').fill('40');
  await sessions.getByTestId('new-rpe').fill('5');
  await sessions.getByTestId('session-add').click();
  await sessions.getByTestId('session-row').filter({ hasText: 'load 200' }).waitFor();
  await sessions.getByTestId('session-edit').click();
  await sessions.getByTestId('edit-rpe').fill('6');
  await sessions.getByTestId('session-save').click();
  await sessions.getByTestId('session-row').filter({ hasText: 'load 240' }).waitFor();

  // A wellness day added by the coach, then changed: the value given replaces
  // the stored one, the others stay.
  const wellness = page.getByTestId('wellness-card');
  await wellness.getByTestId('wellness-date').fill('2020-03-29');
  await wellness.getByTestId('wellness-sleep_h').fill('7.5');
  await wellness.getByTestId('wellness-fatigue').fill('11');
  await wellness.getByTestId('wellness-save').click();
  await wellness.getByTestId('wellness-error').waitFor();
  assert.match(await wellness.getByTestId('wellness-error').textContent(), /fatigue/);
  await wellness.getByTestId('wellness-fatigue').fill('3');
  await wellness.getByTestId('wellness-save').click();
  const day = page.getByTestId('wellness-row').filter({ hasText: '2020-03-29' });
  await day.filter({ hasText: 'fatigue 3' }).waitFor();
  await day.getByTestId('wellness-edit').click();
  assert.equal(await page.getByTestId('wellness-sleep_h').inputValue(), '7.5');
  await page.getByTestId('wellness-fatigue').fill('4');
  await page.getByTestId('wellness-save').click();
  await page.getByTestId('wellness-row').filter({ hasText: 'fatigue 4' }).waitFor();
  const stored = await page.evaluate(async (id) => (await (await fetch(`/api/athletes/${id}/wellness`)).json()), await page.url().split('/athletes/')[1].split('/')[0]);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].sleep_h, 7.5);
  assert.equal(stored[0].fatigue, 4);
  assert.equal(stored[0].sources.fatigue, 'coach');

  // An injury recorded, then closed on the day the athlete was cleared.
  const events = page.getByTestId('events-card');
  await events.getByTestId('event-date').fill('2020-03-28');
  await events.getByTestId('event-body-part').fill('knee');
  await events.getByTestId('event-add').click();
  await events.getByTestId('event-row').filter({ hasText: 'knee' }).waitFor();
  await events.getByTestId('event-closed-on').fill('2020-03-27');
  await events.getByTestId('event-close').click();
  await events.getByTestId('events-error').waitFor();
  assert.match(await events.getByTestId('events-error').textContent(), /closed_on/);
  await events.getByTestId('event-closed-on').fill('2020-03-31');
  await events.getByTestId('event-close').click();
  await events.getByTestId('event-closed').waitFor();
  assert.equal(await events.getByTestId('event-closed').textContent(), 'closed on 2020-03-31');
  await screenshot(page, 'records-desktop');

  await sessions.getByTestId('session-delete').click();
  await page.getByTestId('sessions-card').getByRole('heading', { name: 'Sessions (0)' }).waitFor();

  // An invitation: a link to copy, which the athlete opens in their own browser.
  await page.getByTestId('invite-create').click();
  const link = await page.getByTestId('invite-link').inputValue();
  assert.match(link, /\/invite\/[0-9a-f]{64}$/);
  await athleteAccepts(link);

  // Moved to the reserves with their record, then archived.
  await page.getByTestId('move-team').selectOption({ label: RESERVES });
  await page.getByTestId('move').click();
  await page.getByTestId('profile-history').getByText(/moved/).waitFor();
  assert.match(await page.locator('.page-summary').textContent(), /team zeta-reserves/);
  assert.equal(await page.getByTestId('event-row').count(), 1, 'the injury moved with them');
  await page.getByTestId('archive').click();
  await page.getByTestId('archived-banner').waitFor();

  await page.setViewportSize(viewports.phone);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'records-phone');
  await signIn.goto('/roster');
  const reserves = page.getByTestId('team-card').filter({ hasText: RESERVES });
  await reserves.getByTestId('archived').waitFor();
  assert.match(await reserves.locator('h2').textContent(), /\(0 athletes, 1 archived\)/);
  await screenshot(page, 'roster-phone');

  // The team page of the demo team is as it was.
  await signIn.goto('/team');
  await page.getByTestId('team-table').waitFor();
  assert.equal(await page.getByTestId('team-row').count(), 16);
  assert.deepEqual(problems.filter((p) => !/40[0-9]|422/.test(p)), []);
  await close();
});

// The invited athlete sets a password, lands on their own page, and later
// changes the password on their account page.
async function athleteAccepts(link) {
  const { page, problems, close } = await openPage(browser, viewports.phone);
  await page.goto(link);
  await page.getByTestId('invite-form').waitFor();
  assert.match(await page.getByTestId('invite-form').textContent(), /invited Ada Lovelace/);
  await page.getByTestId('invite-email').fill('ada@club.no');
  await page.getByTestId('invite-password').fill('short');
  await page.getByTestId('invite-repeat').fill('short');
  await page.getByTestId('invite-accept').click();
  await page.getByTestId('invite-message').waitFor();
  assert.match(await page.getByTestId('invite-message').textContent(), /at least 10/);
  await screenshot(page, 'invite-phone');
  await page.setViewportSize(viewports.desktop);
  await screenshot(page, 'invite-desktop');
  await page.setViewportSize(viewports.phone);
  await page.getByTestId('invite-password').fill('analytical-engine');
  await page.getByTestId('invite-repeat').fill('analytical-engine');
  await page.getByTestId('invite-accept').click();
  await page.waitForURL('**/athletes/ada-lovelace');
  await page.getByTestId('athlete-name').waitFor();
  assert.equal(await page.getByTestId('athlete-name').textContent(), 'Ada Lovelace');
  const shell = new SignInPage(page, new URL(link).origin);
  assert.deepEqual(await shell.navLinks().allTextContents(), ['My page']);

  await page.locator('a.account-name').click();
  await page.waitForURL('**/account');
  await page.getByTestId('password-current').fill('not-the-password');
  await page.getByTestId('password-new').fill('difference-engine');
  await page.getByTestId('password-repeat').fill('difference-engine');
  await page.getByTestId('password-change').click();
  await page.getByTestId('password-message').waitFor();
  assert.match(await page.getByTestId('password-message').textContent(), /current_password/);
  await page.getByTestId('password-current').fill('analytical-engine');
  await page.getByTestId('password-change').click();
  await page.getByTestId('password-message').filter({ hasText: 'is changed' }).waitFor();
  await screenshot(page, 'account-phone');
  // The used link says so.
  await page.goto(link);
  await page.getByTestId('invite-error').waitFor();
  assert.match(await page.getByTestId('invite-error').textContent(), /was used on/);
  assert.deepEqual(problems.filter((p) => !/40[0-9]|422/.test(p)), []);
  await close();
}

test('an athlete who opens a coach page is told what they can do and sent to their own page', async () => {
  const { page, close } = await openPage(browser, viewports.phone);
  const signIn = new SignInPage(page);
  await signIn.signIn(demo.p01);
  await page.waitForURL('**/athletes/p01');
  for (const path of ['/team', '/plan', '/roster', '/athletes/p01/records']) {
    await signIn.goto(path);
    await page.getByTestId('coaches-only').waitFor();
    assert.doesNotMatch(await page.locator('main').textContent(), /Participant P02/, path);
  }
  await screenshot(page, 'athlete-coaches-only-phone');
  await page.setViewportSize(viewports.desktop);
  await screenshot(page, 'athlete-coaches-only-desktop');
  await signIn.goto('/account');
  await page.getByTestId('password-form').waitFor();
  await screenshot(page, 'account-desktop');
  await page.setViewportSize(viewports.phone);
  await signIn.goto('/athletes/p01/records');
  await page.getByTestId('coaches-only').waitFor();
  await page.getByTestId('own-page').click();
  await page.waitForURL('**/athletes/p01');
  await page.getByTestId('athlete-name').waitFor();
  await signIn.goto('/athletes/p02');
  await page.getByTestId('not-allowed').waitFor();
  await page.getByTestId('own-page').click();
  await page.waitForURL('**/athletes/p01');
  await close();
});
