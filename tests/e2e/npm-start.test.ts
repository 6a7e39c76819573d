// The README's front door. `npm start` without credentials runs offline on the emulator; the
// commands its banner prints work when pasted into bash (place a call, keep its CallSid, hold,
// resume); the token is never printed; and SIGINT or SIGTERM sent to the npm process ALONE (not to
// its process group, as a terminal's Ctrl-C would) stops every process it started and frees both
// ports.
//
// It runs `npm run serve`, which is what `npm start` execs after building (package.json: the
// `exec` is what makes npm's signal forwarding reach scripts/start.ts; a shell in between would
// swallow it). Building here would rewrite dist/ under the other suites, so it serves the dist/
// that `npm test` built. An empty env file keeps a developer's own .env out of it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Every live process below pid (children, grandchildren, ...), from ps. */
function descendantsOf(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/**
 * Whether a process still runs. A zombie (exited, not yet reaped: in a container whose PID 1 does
 * not reap orphans, a forked child of twilio-run can stay one) has stopped, so it counts as gone.
 */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

interface Started {
  npm: ChildProcess;
  output: () => string;
  functions: string;
  emulator: string;
  port: number;
  emulatorPort: number;
}

describe('npm start (offline)', () => {
  let npm: ChildProcess | undefined;
  let dir: string;
  let leftovers: number[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  });
  afterEach(() => {
    if (npm && npm.exitCode === null) npm.kill('SIGKILL');
    // Only the processes this test started (found by their parent chain), by PID.
    for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    leftovers = [];
    rmSync(dir, { recursive: true, force: true });
  });

  async function startServe(envText: string): Promise<Started> {
    const envFile = join(dir, '.env');
    writeFileSync(envFile, envText);
    const [port, emulatorPort] = [await freePort(), await freePort()];
    npm = spawn(
      'npm',
      ['run', '--silent', 'serve', '--', '--port', String(port), '--emulator-port', String(emulatorPort), '--dotenv', envFile],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    let output = '';
    npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const functions = `http://localhost:${port}`;
    // Waits for the banner alone: a request of ours would add a line to twilio-run's log.
    await waitFor(
      'the banner',
      () => output.includes('Ctrl-C stops everything.'),
      () => output,
    );
    return { npm, output: () => output, functions, emulator: `http://127.0.0.1:${emulatorPort}`, port, emulatorPort };
  }

  async function stopWith(started: Started, signal: NodeJS.Signals): Promise<void> {
    const pids = descendantsOf(started.npm.pid!);
    leftovers = pids;
    // npm, node scripts/start.ts and twilio-run at least.
    expect(pids.length).toBeGreaterThanOrEqual(2);
    const exited = new Promise<number | null>((done) => started.npm.once('exit', (code) => done(code)));
    started.npm.kill(signal); // the npm process alone, not its group
    expect(await exited).toBe(0);
    await waitFor('every process npm started to exit', () => pids.every((pid) => !isAlive(pid)), started.output, 10_000);
    expect(await portIsOpen(started.port)).toBe(false);
    expect(await portIsOpen(started.emulatorPort)).toBe(false);
    expect(started.output()).toContain(
      `Stopped: everything npm start started has exited; ports ${started.port} and ${started.emulatorPort} are free.`,
    );
  }

  it('prints commands that work when pasted, never the token, and SIGINT to npm stops everything', async () => {
    const token = 'start-test-token-0123456789abcdef0123';
    const started = await startServe(`HOLD_API_TOKEN=${token}\n`);
    const output = started.output();
    expect(output).toMatch(/Offline: no ACCOUNT_SID\/AUTH_TOKEN/);
    expect(output).toContain(`hold console     ${started.functions}/index.html`);
    // One process serves every request, and the banner says so.
    expect(output).toContain('twilio-run --no-fork-process');
    expect(output).toContain(`${started.emulator}/emulator`);
    expect(output).toContain(`HOLD_API_TOKEN   set, from ${join(dir, '.env')}`);
    expect(output).not.toContain(token);
    expect(output).not.toContain('WARNING');
    // A quiet start: before the banner, twilio-run's list of URLs and nothing else (no request log
    // line from a readiness probe, no refused signature).
    const beforeBanner = output.slice(0, output.indexOf('Offline:'));
    expect(
      beforeBanner
        .split('\n')
        .filter((line) => line.trim() !== '' && !/^(Functions|Assets|http:\/\/localhost:\d+\/\S+)$/.test(line.trim())),
    ).toEqual([]);

    // The banner's "Try it" lines, pasted into bash as they are.
    const lines = output.split('\n');
    const from = lines.findIndex((line) => line.startsWith('Try it'));
    const to = lines.findIndex((line, i) => i > from && line.trim() === '');
    const pasted = lines.slice(from + 1, to).join('\n');
    const tokenFile = /TOKEN=\$\(cat (\S+)\);/.exec(pasted)?.[1];
    expect(readFileSync(tokenFile!, 'utf8').trim()).toBe(token);
    expect(pasted).toContain('-H "Authorization: Bearer $EMULATOR_TOKEN"');
    // Run as pasted, except that the line which sleeps while the agent's phone rings is replaced by
    // waiting for the emulator to say the agent answered (no timing in tests).
    const [setToken, placeCall, sleep, ...holdAndResume] = pasted.split('\n');
    expect(sleep.trim()).toMatch(/^sleep \d+ /);
    const callSid = execFileSync('bash', ['-c', `${setToken}\n${placeCall}`], { encoding: 'utf8' }).trim();
    expect(callSid).toMatch(/^CA[0-9a-f]{32}$/);
    const hears = async (): Promise<{ kind?: string } | undefined> => {
      const state = (await (await fetch(`${started.emulator}/emulator/state`)).json()) as {
        calls: { sid: string; hears?: { kind?: string } }[];
      };
      return state.calls.find((c) => c.sid === callSid)?.hears;
    };
    await waitFor('the agent to answer', async () => (await hears())?.kind === 'party', started.output);
    const answers = execFileSync('bash', ['-c', [setToken, `CALL=${callSid}`, ...holdAndResume].join('\n')], { encoding: 'utf8' }).split(
      '\n',
    );
    expect(JSON.parse(answers[0])).toMatchObject({
      callSid,
      mode: 'conference',
      held: true,
      conferenceSid: expect.stringMatching(/^CF[0-9a-f]{32}$/),
    });
    expect(JSON.parse(answers[1])).toMatchObject({ callSid, mode: 'conference', held: false });

    await stopWith(started, 'SIGINT');
  }, 90_000);

  it('warns about a bad AGENT_NUMBER and a short token, and SIGTERM to npm stops everything', async () => {
    const started = await startServe('HOLD_API_TOKEN=too-short\nAGENT_NUMBER=555-0100\n');
    expect(started.output()).toContain('WARNING: AGENT_NUMBER "555-0100" is not an E.164 number');
    expect(started.output()).toContain('WARNING: HOLD_API_TOKEN in');
    expect(started.output()).toContain('is 9 characters long; use at least 32');
    expect(started.output()).not.toContain('too-short');
    await stopWith(started, 'SIGTERM');
  }, 90_000);

  it('npm start builds, then execs the same command, so that npm forwards signals to it', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe('npm run build && exec npm run --silent serve --');
    expect(scripts.serve).toBe('exec node --import tsx scripts/start.ts');
  });

  it('reports a port in use in one line, without a stack trace', async () => {
    const busy = createServer();
    await new Promise<void>((listening) => busy.listen(0, listening));
    const port = (busy.address() as AddressInfo).port;
    try {
      npm = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--port', String(port), '--dotenv', join(dir, 'none')], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((done) => npm!.once('exit', (c) => done(c)));
      expect(code).toBe(1);
      expect(output.trim()).toBe(
        `npm start: port ${port} (functions) is already in use: stop what uses it, or choose another port with --port`,
      );
    } finally {
      busy.close();
    }
  }, 30_000);
});
