// `npm start` offline, seen from the network: twilio-run and the emulator listen on 127.0.0.1 only,
// and what twilio-run's body parsers refuse before any function runs (invalid JSON, too many form
// fields, a large body) answers a short JSON error, not express's HTML page with a stack trace
// (scripts/local-guard.ts, docs/security.md). Runs scripts/start.ts on the built dist/.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../harness/functions-server';

const ROOT = resolve(__dirname, '..', '..');

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      answer(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      answer(false);
    });
    socket.once('error', () => answer(false));
  });
}

/** This machine's addresses other than loopback (the ones a neighbour on the network would use). */
const OUTSIDE_ADDRESSES = Object.values(networkInterfaces())
  .flat()
  .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
  .map((address) => address!.address);

let child: ChildProcess;
let dir: string;
let port: number;
let emulatorPort: number;
let output = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'local-guard-'));
  const envFile = join(dir, '.env');
  writeFileSync(envFile, 'HOLD_API_TOKEN=guard-test-token\n');
  [port, emulatorPort] = [await freePort(), await freePort()];
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/start.ts', '--port', String(port), '--emulator-port', String(emulatorPort), '--dotenv', envFile],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!(await reachable('127.0.0.1', port)) || !(await reachable('127.0.0.1', emulatorPort))) {
    if (Date.now() > deadline) throw new Error(`npm start did not listen within 30 s:\n${output}`);
    await new Promise((done) => setTimeout(done, 100));
  }
});

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGINT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

it('listens on 127.0.0.1 only: the functions and the emulator are not reachable on the machine\'s other addresses', async () => {
  expect(await reachable('127.0.0.1', port)).toBe(true);
  expect(await reachable('127.0.0.1', emulatorPort)).toBe(true);
  for (const address of OUTSIDE_ADDRESSES) {
    expect({ address, functions: await reachable(address, port), emulator: await reachable(address, emulatorPort) }).toEqual({
      address,
      functions: false,
      emulator: false,
    });
  }
});

it.each([
  ['invalid JSON', 'application/json', '{"CallSid": ', 400, /not valid JSON/],
  ['more than 1,000 form fields', 'application/x-www-form-urlencoded', Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&'), 413, /too many fields/],
  ['a 90 KB body', 'application/x-www-form-urlencoded', `CallSid=${'x'.repeat(90_000)}`, 413, /larger than/],
])('%s: a short JSON error, no HTML page, no stack trace', async (_name, contentType, body, status, message) => {
  for (const path of ['/hold', '/incoming-call']) {
    const response = await fetch(`http://localhost:${port}${path}`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
    const text = await response.text();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(text)).toEqual({ error: 'bad-input', message: expect.stringMatching(message) });
    expect(text).not.toMatch(/node_modules|\n\s+at /);
  }
});
