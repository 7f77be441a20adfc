// End-to-end tests of labelling: the keyboard-driven queue, the export, and labels
// made while the server is stopped arriving exactly once after it restarts.
//
// The restart test runs its own `forma serve` (another port, another data folder),
// so stopping it disturbs no other test (support/server.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, openPage, screenshot, screenshotDir, viewports } from './support/browser.mjs';
import { formaBin, freePort, startServer } from './support/server.mjs';
import { SignInPage, demo } from './pages/sign-in.mjs';
import { LabelsPage, parseCsv } from './pages/labels.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Codes that change no figure other tests read: fatigue, travel, motivational
// slump, schedule conflict (number keys 1, 3, 6, 7).
const KEYS = ['1', '3', '6', '7'];
const CODE_OF_KEY = { 1: 'fatigue', 3: 'travel', 6: 'motivational_slump', 7: 'schedule_conflict' };

async function signedInCoach(viewport) {
  const opened = await openPage(browser, viewport);
  await new SignInPage(opened.page).signIn(demo.coach);
  await opened.page.waitForURL('**/team');
  return opened;
}

test('a coach labels 20 queue items by keyboard alone and finds all 20 in the export', async () => {
  const started = Date.now();
  const { page, problems, close } = await signedInCoach(viewports.desktop);
  const labels = new LabelsPage(page);
  await labels.open();
  const run = `e2e-${Date.now().toString(36)}`;
  assert.match(await labels.shortcuts().textContent(), /j \/ ↓.*1 … 9, 0.*Enter.*u \/ Ctrl\+Z/s);

  // Moving: j and the arrows go down and up again.
  const first = await labels.currentKey();
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  assert.notEqual(await labels.currentKey(), first);
  await page.keyboard.press('k');
  await page.keyboard.press('ArrowUp');
  assert.equal(await labels.currentKey(), first);

  // Enter without a code says what to do, and stores nothing.
  await page.keyboard.press('Enter');
  assert.match(await labels.message().textContent(), /Pick a code first/);

  const given = new Map();
  for (let i = 0; i < 20; i += 1) {
    const key = await labels.currentKey();
    const code = KEYS[i % KEYS.length];
    await labels.labelByKeyboard(code, `${run} #${i}`);
    given.set(`${run} #${i}`, { key, code: CODE_OF_KEY[code] });
    assert.match(await labels.message().textContent(), /^Saved /, `item ${i}`);
    if (i === 9) {
      // Undo takes the last label back and returns to its item; label it again.
      await page.keyboard.press('u');
      assert.match(await labels.message().textContent(), /^Took back/);
      assert.equal(await labels.currentKey(), key);
      await labels.labelByKeyboard('3', `${run} undone`);
      await page.keyboard.press('Control+z');
      assert.equal(await labels.currentKey(), key);
      await labels.labelByKeyboard(code, `${run} #${i}`);
    }
  }
  // A range label also shows on the items of its days: count labels, not items.
  const shown = new Set(await page.getByTestId('queue-label').filter({ hasText: run }).allTextContents());
  assert.equal(shown.size, 20, 'each labelled item shows its label');
  await labels.waitUntilSent();

  const exported = await labels.export('csv');
  assert.equal(exported.status, 200);
  assert.equal(exported.version, 'forma-labels-1');
  const rows = parseCsv(exported.text).filter((r) => r.note.startsWith(run));
  const byId = new Map();
  for (const row of rows) {
    assert.equal(row.vocabulary_version, 'forma-labels-1');
    assert.equal(row.author, demo.coach.email);
    byId.set(row.label_id, row);
  }
  assert.equal(byId.size, 20, 'twenty labels, each once');
  const notes = [...byId.values()].map((r) => r.note).sort();
  assert.deepEqual(notes, [...given.keys()].sort());
  for (const row of byId.values()) {
    assert.equal(row.code, given.get(row.note).code, row.note);
  }
  assert.ok(!exported.text.includes(`${run} undone`), 'an undone label is not exported');
  await screenshot(page, 'labels-queue-desktop');
  assert.deepEqual(problems, []);
  await close();
  console.log(`# labelled 20 items by keyboard and exported them in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('the label queue reads on a phone', async () => {
  const { page, problems, close } = await signedInCoach(viewports.phone);
  const labels = new LabelsPage(page);
  await labels.open();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  // Touch works too: tap a code, tap save.
  await labels.items().nth(1).click();
  await page.getByTestId('code-option').filter({ hasText: 'Schedule conflict' }).click();
  assert.equal(await page.locator('[data-testid=code-option][aria-pressed=true]').count(), 1);
  await screenshot(page, 'labels-queue-phone');
  assert.deepEqual(problems, []);
  await close();
});

test('a coach labels a range of days on the athlete page and takes it back', async () => {
  const { page, problems, close } = await signedInCoach(viewports.desktop);
  await page.goto(`${new URL(page.url()).origin}/athletes/p11`);
  const panel = page.getByTestId('label-panel');
  await panel.waitFor();
  const note = `e2e-range-${Date.now().toString(36)}`;
  await page.getByTestId('label-target-range').check();
  await page.getByTestId('label-date').fill('2020-02-03');
  await page.getByTestId('label-end-date').fill('2020-02-09');
  await page.getByTestId('label-code').selectOption('travel');
  assert.match(await page.getByTestId('label-definition').textContent(), /Travelling/);
  await page.getByTestId('label-note').fill(note);
  await page.getByTestId('label-save').click();
  const item = panel.getByTestId('label-item').filter({ hasText: note });
  await item.waitFor();
  assert.match(await item.textContent(), /Travel · 2020-02-03 to 2020-02-09/);
  assert.match(await item.textContent(), /by Demo Coach/);
  await page.waitForFunction(() => !document.querySelector('[data-testid=labels-waiting]'));

  // Other without a note is refused at once, naming the note.
  await page.getByTestId('label-code').selectOption('other');
  await page.getByTestId('label-note').fill('');
  await page.getByTestId('label-save').click();
  assert.match(await page.getByTestId('label-error').textContent(), /^note/);
  await screenshot(page, 'labels-athlete-page');

  // The coach takes the label back.
  await item.getByTestId('label-undo').click();
  await item.waitFor({ state: 'detached' });
  assert.deepEqual(problems, []);
  await close();
});

test('before a range label is saved the queue shows what else it labels and asks; undo survives a reload', async () => {
  const { page, problems, close } = await signedInCoach(viewports.phone);
  // A range item whose days hold other items of the same athlete, found with the
  // rule the queue attaches labels by.
  const found = await page.evaluate(async () => {
    const [team] = await (await fetch('/api/teams')).json();
    const queue = await (await fetch(`/api/labels/queue?team=${team.id}`)).json();
    const shows = (item, chosen) => {
      const [from, to] = [item.date, item.end_date ?? item.date];
      const [lf, lt] = [chosen.date, chosen.end_date ?? chosen.date];
      if (item.session_id && chosen.session_id) return item.session_id === chosen.session_id;
      return lf <= to && lt >= from;
    };
    // Labels from other tests may be on it; this test's own note tells its label.
    for (const chosen of queue.items.filter((i) => i.end_date)) {
      const others = queue.items.filter((i) => i.key !== chosen.key && i.athlete_id === chosen.athlete_id && shows(i, chosen));
      if (others.length > 0) return { athlete: chosen.athlete_id, key: chosen.key, others: others.map((o) => o.key).sort() };
    }
    return null;
  });
  assert.ok(found, 'the demo queue has a range over other items');
  const labels = new LabelsPage(page);
  await labels.open(`?athlete=${found.athlete}`);
  await labels.item(found.key).click();
  assert.equal(await labels.currentKey(), found.key);
  assert.deepEqual((await labels.alsoCovered()).sort(), found.others, 'the preview names the other items');
  const reasons = await page.getByTestId('also-item').allTextContents();
  assert.ok(reasons.every((r) => r.length > 20), `each with its reason: ${reasons}`);
  for (const key of found.others) {
    assert.equal(await labels.item(key).getAttribute('data-also'), 'true');
  }

  // The first Enter asks; nothing is saved until the second.
  const note = `e2e-range-queue-${Date.now().toString(36)}`;
  await page.keyboard.press('3');
  await page.keyboard.press('n');
  await page.keyboard.type(note);
  await page.keyboard.press('Enter');
  assert.ok(await labels.confirming(), 'the queue asks before labelling the others');
  assert.match(await page.getByTestId('also-covered').textContent(), new RegExp(`Label all ${found.others.length + 1} items`));
  assert.equal(await page.getByTestId('queue-label').filter({ hasText: note }).count(), 0);
  assert.equal(await labels.waiting(), 0, 'nothing sent');
  await screenshot(page, 'labels-range-confirm-phone');
  await page.getByTestId('queue-confirm').click();
  assert.match(await labels.message().textContent(), new RegExp(`^Saved Travel .* It also labels ${found.others.length} other item`));
  for (const key of [found.key, ...found.others]) {
    assert.equal(await labels.item(key).getByTestId('queue-label').filter({ hasText: note }).count(), 1, key);
  }
  await labels.waitUntilSent();

  // After a reload the server's queue shows it on the same items, and undo
  // still takes it back, on the server too.
  await page.reload();
  await labels.items().first().waitFor();
  for (const key of [found.key, ...found.others]) {
    await labels.item(key).getByTestId('queue-label').filter({ hasText: note }).waitFor();
  }
  await page.keyboard.press('u');
  assert.match(await labels.message().textContent(), /^Took back Travel on /);
  assert.equal(await labels.currentKey(), found.key, 'back on its item');
  assert.equal(await page.getByTestId('queue-label').filter({ hasText: note }).count(), 0);
  await labels.waitUntilSent();
  await page.reload();
  await labels.items().first().waitFor();
  assert.equal(await page.getByTestId('queue-label').filter({ hasText: note }).count(), 0, 'taken back on the server');
  const exported = await labels.export('csv');
  assert.ok(!exported.text.includes(note), 'a label taken back is not exported');
  await page.keyboard.press('u');
  assert.match(await labels.message().textContent(), /Nothing to undo/);
  assert.deepEqual(problems, []);
  await close();
});

// --- Stopping and restarting a server of our own -------------------------------

test('the server stops mid-way, labelling goes on, and after the restart every label arrives exactly once', async () => {
  const started = Date.now();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'forma-labels-e2e-'));
  let server = startServer({ port, dataDir });
  const { page, close } = await openPage(browser, viewports.desktop);
  try {
    await server.ready;
    await page.goto(`${origin}/sign-in`);
    await page.getByLabel('Email').fill(demo.coach.email);
    await page.getByLabel('Password').fill(demo.coach.password);
    await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/team');
    const labels = new LabelsPage(page);
    await labels.open('', origin);
    const run = `restart-${Date.now().toString(36)}`;
    let n = 0;
    const label = async () => {
      await labels.labelByKeyboard(KEYS[n % KEYS.length], `${run} #${n}`);
      n += 1;
    };

    // Three labels while the server is up.
    for (let i = 0; i < 3; i += 1) await label();
    await labels.waitUntilSent();

    // A lost answer: the server stores the label, the browser never hears back,
    // and sends it again.
    let lost = 0;
    await page.route('**/api/athletes/*/labels', async (route) => {
      if (route.request().method() === 'POST' && lost === 0) {
        lost += 1;
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await label();
    await labels.waitUntilSent();
    await page.unroute('**/api/athletes/*/labels');
    assert.equal(lost, 1, 'one answer was lost');

    // The server stops; labelling goes on in the browser.
    await server.stop();
    for (let i = 0; i < 4; i += 1) await label();
    await page.keyboard.press('u'); // an unsent label taken back never leaves the browser
    await label();
    await page.waitForFunction(() => document.querySelector('[data-testid=queue-waiting]')?.dataset.waiting === '4');
    assert.match(await page.getByTestId('labels-waiting').textContent(), /4 labels waiting/);
    const kept = await page.evaluate(
      (email) => JSON.parse(localStorage.getItem(`forma.labels.outbox:${email}`)).ops.length,
      demo.coach.email,
    );
    assert.equal(kept, 4, 'kept in the browser\'s storage');
    await page.screenshot({ path: join(screenshotDir, 'labels-offline-waiting.png') });
    await page.waitForTimeout(4_000); // at least one retry fails while the server is down
    assert.equal(await labels.waiting(), 4);

    const firstKey = await labels.items().first().getAttribute('data-key');
    const firstAthlete = firstKey.split(':')[1];

    // The server comes back on the same address and data; the labels follow.
    server = startServer({ port, dataDir });
    await server.ready;
    await labels.waitUntilSent(60_000);
    assert.equal(await page.getByTestId('labels-waiting').count(), 0);

    const exported = await labels.export('jsonl');
    const rows = exported.text.trim().split('\n').map((line) => JSON.parse(line)).filter((r) => r.note?.startsWith(run));
    const notesById = new Map(rows.map((r) => [r.label_id, r.note]));
    const notes = [...notesById.values()].sort();
    const expected = Array.from({ length: n }, (_, i) => `${run} #${i}`).filter((note) => note !== `${run} #7`).sort();
    assert.deepEqual(notes, expected, 'every label once, the one taken back never');
    assert.equal(new Set(notes).size, notesById.size, 'no label twice');
    await screenshot(page, 'labels-after-restart');

    // A second coach labels the same item: both labels are kept and shown, each
    // with its author.
    const added = spawnSync(
      formaBin(),
      ['user', 'add', '--email', 'second@demo.forma', '--role', 'coach', '--team', 'demo', '--name', 'Second Coach', '--password-stdin', '--data-dir', dataDir],
      { input: 'second-coach-password\n', env: { ...process.env, RUST_LOG: 'warn' } },
    );
    assert.equal(added.status, 0, added.stderr?.toString());
    const second = await openPage(browser, viewports.desktop);
    try {
      await second.page.goto(`${origin}/sign-in`);
      await second.page.getByLabel('Email').fill('second@demo.forma');
      await second.page.getByLabel('Password').fill('second-coach-password');
      await second.page.locator('form').getByRole('button', { name: 'Sign in' }).click();
      await second.page.waitForURL('**/team');
      const theirs = new LabelsPage(second.page);
      await theirs.open(`?athlete=${firstAthlete}`, origin);
      for (let i = 0; i < 200 && (await theirs.currentKey()) !== firstKey; i += 1) {
        await second.page.keyboard.press('j');
      }
      assert.equal(await theirs.currentKey(), firstKey, 'the second coach reaches the same item');
      await theirs.labelByKeyboard('6', `${run} second coach`);
      await theirs.waitUntilSent();
    } finally {
      await second.close();
    }
    await labels.open(`?athlete=${firstAthlete}`, origin);
    const both = await page.locator(`[data-testid=queue-item][data-key="${firstKey}"] [data-testid=queue-label]`).allTextContents();
    assert.equal(both.length, 2, both.join(' | '));
    assert.ok(both.some((t) => t.includes(`${run} #0`) && t.includes('by Demo Coach')), both.join(' | '));
    assert.ok(both.some((t) => t.includes('second coach') && t.includes('by Second Coach')), both.join(' | '));
    await page.locator(`[data-testid=queue-item][data-key="${firstKey}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, 'labels-two-coaches.png') });
  } finally {
    await close();
    await server.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`# stop, label offline, restart, exactly once: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
