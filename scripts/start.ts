// npm start: serve the built functions with twilio-run.
//   With ACCOUNT_SID and AUTH_TOKEN in .env: plain twilio-run against the real Twilio.
//   Without them: offline, on the local emulator. The emulator plays Twilio (REST API, TwiML,
//   a phone number whose Voice URL is /incoming-call, an agent who answers) and twilio-run
//   serves the functions with TWILIO_API_BASE_URL pointing at it.
// Ctrl-C (SIGINT), SIGTERM or SIGHUP stops everything this script started, and says so. `npm start`
// runs this file with `exec` (package.json), so the process npm forwards those signals to is this
// one: a signal sent to the npm process alone stops everything too (tests/e2e/npm-start.test.ts).
// What it prints (warnings, banners) is in start-banner.ts; the token is never printed.
//
// Options (flags or environment): --port / PORT (functions, default 3000),
// --emulator-port / EMULATOR_PORT (default 3001), --mode / HOLD_MODE (conference | dial),
// --ngrok (with credentials: twilio-run opens an ngrok tunnel, see below),
// --dotenv FILE (default .env at the project's root; not --env-file, which Node 20 takes for itself).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { startEmulator, type Emulator } from '../emulator';
import { localGuardNodeArgs } from './local-guard-args';
import { configWarnings, offlineBanner, onlineBanner, stoppedLine, warningLines, type TokenSource } from './start-banner';

const ROOT = resolve(__dirname, '..');
const TWILIO_RUN = join(ROOT, 'node_modules', 'twilio-run', 'bin', 'twilio-run.js');
const BUSINESS_NUMBER = '+15550100000';
const DEFAULT_AGENT = '+15550100001';
const DEMO_CALLER = '+15551230000';

class StartError extends Error {}

function option(flag: string | undefined, env: string | undefined, fallback: string): string {
  return flag ?? env ?? fallback;
}

function portOf(name: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new StartError(`${name} must be a port number, not "${value}"`);
  return port;
}

async function ensurePortFree(port: number, name: string): Promise<void> {
  await new Promise<void>((done, fail) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        new StartError(
          error.code === 'EADDRINUSE'
            ? `port ${port} (${name}) is already in use: stop what uses it, or choose another port with --${name === 'functions' ? 'port' : 'emulator-port'}`
            : `cannot listen on port ${port} (${name}): ${error.message}`,
        ),
      ),
    );
    probe.listen(port, () => probe.close(() => done()));
  });
}

function readDotEnv(path: string): Record<string, string> {
  return existsSync(path) ? (parseEnv(readFileSync(path, 'utf8')) as Record<string, string>) : {};
}

function startTwilioRun(port: number, envFile: string | undefined, ngrok = false, loopbackOnly = false): ChildProcess {
  // scripts/local-guard.ts answers malformed bodies with short JSON errors and, offline, makes
  // twilio-run listen on 127.0.0.1 only (docs/security.md). --no-fork-process: the functions run
  // inside twilio-run's own process, so stopping it stops them; a forked runner still busy with a
  // webhook (e.g. the call-state bookkeeping) would otherwise outlive Ctrl-C as an orphan holding
  // the terminal's pipes.
  const args = [...localGuardNodeArgs(), TWILIO_RUN, 'start', '--cwd', ROOT, '--port', String(port), '--no-fork-process'];
  if (envFile) args.push('--env', envFile);
  if (ngrok) args.push('--ngrok');
  const env = loopbackOnly ? { ...process.env, LOCAL_GUARD_HOST: '127.0.0.1' } : process.env;
  // Started with node itself (not npx) so that stopping it by PID stops twilio-run itself, in a
  // process group of its own, so that stopping the group also stops the function runners a forking
  // twilio-run starts per request (killed mid-request, one would be left behind).
  return spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env, detached: true });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'emulator-port': { type: 'string' },
      mode: { type: 'string' },
      ngrok: { type: 'boolean' },
      dotenv: { type: 'string' },
    },
  });
  const dotEnvPath = resolve(values.dotenv ?? join(ROOT, '.env'));
  const dotEnv = readDotEnv(dotEnvPath);
  const port = portOf('--port', option(values.port, process.env.PORT, '3000'));
  await ensurePortFree(port, 'functions');

  const cleanups: (() => Promise<void> | void)[] = [];
  const ports = [port];
  let stopping = false;
  const stop = async (code: number, why?: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (why) console.error(`npm start: ${why}`);
    for (const cleanup of cleanups.reverse()) await cleanup();
    console.log(stoppedLine(ports));
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  // twilio-run gets Ctrl-C from the terminal too (same process group) and may exit first: that is
  // part of stopping, not a failure. Exiting on its own is, and takes the rest down with it.
  const onTwilioRunExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP') void stop(0);
    else void stop(code || 1, `twilio-run exited (${signal ?? `code ${code}`}); stopping the rest`);
  };

  const online = Boolean(dotEnv.ACCOUNT_SID && dotEnv.AUTH_TOKEN);
  if (online) {
    const tokenSource: TokenSource = dotEnv.HOLD_API_TOKEN ? 'dotenv' : 'unset';
    process.stdout.write(warningLines(configWarnings({ agentNumber: dotEnv.AGENT_NUMBER, token: dotEnv.HOLD_API_TOKEN, tokenSource, dotEnvPath })));
    const child = startTwilioRun(port, dotEnvPath, values.ngrok === true);
    cleanups.push(() => stopChild(child));
    child.on('exit', onTwilioRunExit);
    console.log(onlineBanner({ port, ngrok: values.ngrok === true, tokenSource, dotEnvPath }));
    return;
  }

  if (values.ngrok) throw new StartError('--ngrok needs ACCOUNT_SID and AUTH_TOKEN in .env: offline, the emulator calls the functions on localhost');
  const emulatorPort = portOf('--emulator-port', option(values['emulator-port'], process.env.EMULATOR_PORT, '3001'));
  await ensurePortFree(emulatorPort, 'emulator');
  ports.push(emulatorPort);
  const mode = option(values.mode, process.env.HOLD_MODE, dotEnv.HOLD_MODE || 'conference');
  if (mode !== 'conference' && mode !== 'dial') throw new StartError(`--mode must be conference or dial, not "${mode}"`);
  const agentNumber = dotEnv.AGENT_NUMBER || DEFAULT_AGENT;
  const tokenSource: TokenSource = dotEnv.HOLD_API_TOKEN ? 'dotenv' : 'generated';
  const token = dotEnv.HOLD_API_TOKEN || randomBytes(16).toString('hex');
  // The emulator's control API token (docs/emulator-api.md#access), read like HOLD_API_TOKEN.
  const controlToken = dotEnv.EMULATOR_CONTROL_TOKEN || randomBytes(16).toString('hex');
  process.stdout.write(warningLines(configWarnings({ agentNumber, token, tokenSource, dotEnvPath })));

  const emulator: Emulator = await startEmulator({
    // twilio-run's getTwilioClient() refuses credentials that do not look like Twilio's own.
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    controlToken,
    clock: 'real',
    port: emulatorPort,
    host: '127.0.0.1',
    numbers: [{ phoneNumber: BUSINESS_NUMBER, voiceUrl: `http://localhost:${port}/incoming-call`, voiceMethod: 'POST' }],
  });
  cleanups.push(() => emulator.close());

  const envDir = mkdtempSync(join(tmpdir(), 'call-hold-start-'));
  cleanups.push(() => rmSync(envDir, { recursive: true, force: true }));
  const envFile = join(envDir, '.env');
  const functionsEnv: Record<string, string> = {
    ...dotEnv,
    ACCOUNT_SID: emulator.accountSid,
    AUTH_TOKEN: emulator.authToken,
    TWILIO_API_BASE_URL: emulator.url,
    AGENT_NUMBER: agentNumber,
    HOLD_MODE: mode,
    HOLD_API_TOKEN: token,
    EMULATOR_CONTROL_TOKEN: controlToken,
    // The key that signs hold events (docs/hold-experience.md), generated like the token when .env has none.
    HOLD_EVENTS_SECRET: dotEnv.HOLD_EVENTS_SECRET || `whsec_${randomBytes(32).toString('base64')}`,
  };
  writeFileSync(envFile, Object.entries(functionsEnv).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
  const tokenFile = join(envDir, 'hold-api-token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const controlTokenFile = join(envDir, 'emulator-control-token');
  writeFileSync(controlTokenFile, `${controlToken}\n`, { mode: 0o600 });

  const child = startTwilioRun(port, envFile, false, true);
  cleanups.push(() => stopChild(child));
  child.on('exit', onTwilioRunExit);

  const functions = `http://localhost:${port}`;
  // After twilio-run's own list of URLs, so the banner is the last thing on the screen.
  await untilServing(port, child);
  console.log(
    offlineBanner({
      emulatorUrl: emulator.url,
      functionsUrl: functions,
      mode,
      agentNumber,
      businessNumber: BUSINESS_NUMBER,
      demoCaller: DEMO_CALLER,
      tokenSource,
      dotEnvPath,
      tokenFile,
      controlTokenFile,
    }),
  );
}

/**
 * Until twilio-run accepts connections (it listens once every route is set up). A connection, not
 * an HTTP request: twilio-run logs every request, and a probe of a webhook would print its refusal
 * of an unsigned request ("403", "X-Twilio-Signature is missing") before the banner.
 */
async function untilServing(port: number, child: ChildProcess): Promise<void> {
  const accepts = (): Promise<boolean> =>
    new Promise((answer) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        answer(true);
      });
      socket.once('error', () => answer(false));
    });
  for (let tries = 0; tries < 300 && child.exitCode === null; tries++) {
    if (await accepts()) return;
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

/** Stops a child started in its own process group: the whole group, so nothing it forked is left. */
async function stopChild(child: ChildProcess): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  // twilio-run itself may have exited first (Ctrl-C reaches it too) while a runner it forked lives on.
  signalGroup('SIGKILL');
}

main().catch((error: unknown) => {
  console.error(error instanceof StartError ? `npm start: ${error.message}` : error);
  process.exit(1);
});
