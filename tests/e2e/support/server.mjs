// A `forma serve` of a test's own (another port, another data folder), for tests
// that stop the server or change the demo team: FORMA_BIN names the binary and
// FORMA_DIST_DIR the built app (cargo xtask test sets both).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

export const formaBin = () => process.env.FORMA_BIN ?? join(root, 'target', 'debug', 'forma');

// `demo: false` starts an empty install (`--no-demo`).
export function startServer({ port, dataDir, firstModel = false, demo = true }) {
  const bin = formaBin();
  const dist = process.env.FORMA_DIST_DIR ?? join(root, 'dist');
  const demoData = process.env.FORMA_DEMO_DATA ?? join(root, '..', 'shared', 'data', 'pmdata');
  assert.ok(existsSync(bin), `no forma binary at ${bin}: set FORMA_BIN`);
  assert.ok(existsSync(join(dist, 'index.html')), `no built app in ${dist}: set FORMA_DIST_DIR`);
  const child = spawn(
    bin,
    ['serve', '--port', String(port), '--data-dir', dataDir, '--dist-dir', dist, ...(demo ? ['--demo-data', demoData] : ['--no-demo']), ...(firstModel ? [] : ['--no-first-model'])],
    { env: { ...process.env, RUST_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error('forma serve did not start within 180 s')), 180_000);
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      if (seen.includes('Forma is serving on')) {
        clearTimeout(timer);
        done();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`forma serve exited with ${code} before it served`));
    });
  });
  const exited = new Promise((done) => child.once('exit', done));
  return {
    ready,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
