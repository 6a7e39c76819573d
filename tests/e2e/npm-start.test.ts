// The README's front door: `npm start` without credentials runs offline on the emulator, a call
// placed through the emulator's control API reaches the functions, /hold works, and Ctrl-C
// (SIGINT) stops everything it started, leaving no port behind. Runs scripts/start.ts on the
// already built dist/ (npm test builds it first), with an empty env file so that a developer's
// own .env with credentials cannot turn it into an online run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../harness/functions-server';

const ROOT = resolve(__dirname, '..', '..');

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      answer(true);
    });
    socket.once('error', () => answer(false));
  });
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, output: () => string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('npm start (offline)', () => {
  let child: ChildProcess | undefined;
  let dir: string;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the functions on the emulator, holds a call, and Ctrl-C leaves nothing behind', async () => {
    dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'HOLD_API_TOKEN=start-test-token\n');
    const [port, emulatorPort] = [await freePort(), await freePort()];
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/start.ts', '--port', String(port), '--emulator-port', String(emulatorPort), '--dotenv', envFile],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const functions = `http://localhost:${port}`;
    const emulator = `http://127.0.0.1:${emulatorPort}`;

    await waitFor('twilio-run', async () => [200, 403].includes((await fetch(`${functions}/hold-music`, { method: 'POST' }).catch(() => undefined))?.status ?? 0), () => output);
    expect(output).toMatch(/Offline: no ACCOUNT_SID\/AUTH_TOKEN/);
    expect(output).toContain(`${emulator}/emulator`);
    // One process serves every request (a forked process per request is ~100x slower per hold).
    expect(output).toContain('twilio-run --no-fork-process');

    const placed = await fetch(`${emulator}/emulator/calls`, {
      method: 'POST',
      body: new URLSearchParams({ From: '+15551230000', To: '+15550100000' }),
    });
    const { callSid } = (await placed.json()) as { callSid: string };
    expect(callSid).toMatch(/^CA[0-9a-f]{32}$/);

    // The emulator runs on the real clock here: the agent answers after 2 s.
    const hears = async (): Promise<unknown> => {
      const state = (await (await fetch(`${emulator}/emulator/state`)).json()) as { calls: { sid: string; hears?: unknown }[] };
      return state.calls.find((c) => c.sid === callSid)?.hears;
    };
    await waitFor('the agent to answer', async () => (await hears() as { kind?: string })?.kind === 'party', () => output);

    const hold = await fetch(`${functions}/hold`, {
      method: 'POST',
      headers: { Authorization: 'Bearer start-test-token', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ CallSid: callSid }),
    });
    expect(await hold.json()).toEqual({ callSid, mode: 'conference', held: true, conferenceSid: expect.stringMatching(/^CF[0-9a-f]{32}$/) });
    await waitFor('hold music', async () => (await hears() as { kind?: string })?.kind === 'music', () => output);

    const exited = new Promise<number | null>((done) => child!.once('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await portIsOpen(port)).toBe(false);
    expect(await portIsOpen(emulatorPort)).toBe(false);
  }, 60_000);

  it('reports a port in use in one line, without a stack trace', async () => {
    dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    const busy = createServer();
    await new Promise<void>((listening) => busy.listen(0, listening));
    const port = (busy.address() as AddressInfo).port;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--port', String(port), '--dotenv', join(dir, 'none')], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((done) => child!.once('exit', (c) => done(c)));
      expect(code).toBe(1);
      expect(output.trim()).toBe(`npm start: port ${port} (functions) is already in use: stop what uses it, or choose another port with --port`);
    } finally {
      busy.close();
    }
  }, 30_000);
});
