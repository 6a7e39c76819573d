// npm start: serve the built functions with twilio-run.
//   With ACCOUNT_SID and AUTH_TOKEN in .env: plain twilio-run against the real Twilio.
//   Without them: offline, on the local emulator. The emulator plays Twilio (REST API, TwiML,
//   a phone number whose Voice URL is /incoming-call, an agent who answers) and twilio-run
//   serves the functions with TWILIO_API_BASE_URL pointing at it.
// Ctrl-C (SIGINT) or SIGTERM stops everything this script started.
//
// Options (flags or environment): --port / PORT (functions, default 3000),
// --emulator-port / EMULATOR_PORT (default 3001), --mode / HOLD_MODE (conference | dial),
// --ngrok (with credentials: twilio-run opens an ngrok tunnel, see below),
// --dotenv FILE (default .env at the project's root; not --env-file, which Node 20 takes for itself).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { startEmulator, type Emulator } from '../emulator';
import { localGuardNodeArgs } from './local-guard-args';

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
  // the terminal's pipes. It also keeps a hold fast: forking a process per request makes it about
  // 60-100 times as long (BENCHMARKS.md, "End-to-end latency").
  const args = [...localGuardNodeArgs(), TWILIO_RUN, 'start', '--cwd', ROOT, '--port', String(port), '--no-fork-process'];
  if (envFile) args.push('--env', envFile);
  if (ngrok) args.push('--ngrok');
  const env = loopbackOnly ? { ...process.env, LOCAL_GUARD_HOST: '127.0.0.1' } : process.env;
  // Started with node itself (not npx) so that stopping it by PID stops twilio-run itself.
  return spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env });
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
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const online = Boolean(dotEnv.ACCOUNT_SID && dotEnv.AUTH_TOKEN);
  if (online) {
    const child = startTwilioRun(port, dotEnvPath, values.ngrok === true);
    cleanups.push(() => stopChild(child));
    child.on('exit', (code) => void stop(code ?? 0));
    console.log(
      values.ngrok
        ? '\nServing the functions for your Twilio account through an ngrok tunnel (its URL is printed ' +
            'below): set your number\'s Voice URL to https://<tunnel>/incoming-call.\n'
        : `\nServing the functions for your Twilio account on http://localhost:${port}, which Twilio ` +
            'cannot reach. Use `npm start -- --ngrok`: twilio-run then opens a tunnel and the functions ' +
            'build their webhook URLs (holdUrl, waitUrl, callbacks) on its https address. A tunnel ' +
            'opened by hand is not enough: those URLs would still point at localhost.\n',
    );
    return;
  }

  if (values.ngrok) throw new StartError('--ngrok needs ACCOUNT_SID and AUTH_TOKEN in .env: offline, the emulator calls the functions on localhost');
  const emulatorPort = portOf('--emulator-port', option(values['emulator-port'], process.env.EMULATOR_PORT, '3001'));
  await ensurePortFree(emulatorPort, 'emulator');
  const mode = option(values.mode, process.env.HOLD_MODE, dotEnv.HOLD_MODE || 'conference');
  if (mode !== 'conference' && mode !== 'dial') throw new StartError(`--mode must be conference or dial, not "${mode}"`);
  const agentNumber = dotEnv.AGENT_NUMBER || DEFAULT_AGENT;
  const token = dotEnv.HOLD_API_TOKEN || randomBytes(16).toString('hex');

  const emulator: Emulator = await startEmulator({
    // twilio-run's getTwilioClient() refuses credentials that do not look like Twilio's own.
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
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
  };
  writeFileSync(envFile, Object.entries(functionsEnv).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });

  const child = startTwilioRun(port, envFile, false, true);
  cleanups.push(() => stopChild(child));
  child.on('exit', (code) => void stop(code ?? 1));

  const functions = `http://localhost:${port}`;
  console.log(`
Offline: no ACCOUNT_SID/AUTH_TOKEN in .env, so Twilio is played by the local emulator.
  emulator         ${emulator.url}   (control page: ${emulator.url}/emulator)
  functions        ${functions}   (HOLD_MODE=${mode}, AGENT_NUMBER=${agentNumber}; twilio-run --no-fork-process)
  business number  ${BUSINESS_NUMBER} -> ${functions}/incoming-call

Try it:
  1. Place a call from ${DEMO_CALLER} to ${BUSINESS_NUMBER} (the agent answers after 2 s):
       curl -s -X POST ${emulator.url}/emulator/calls --data-urlencode From=${DEMO_CALLER} --data-urlencode To=${BUSINESS_NUMBER}
  2. Hold and resume it with the CallSid it printed:
       curl -s -X POST ${functions}/hold   -H "Authorization: Bearer ${token}" -d CallSid=CA...
       curl -s -X POST ${functions}/unhold -H "Authorization: Bearer ${token}" -d CallSid=CA...
  3. See who hears what: ${emulator.url}/emulator  (or curl -s ${emulator.url}/emulator/state)
Ctrl-C stops everything.
`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

main().catch((error: unknown) => {
  console.error(error instanceof StartError ? `npm start: ${error.message}` : error);
  process.exit(1);
});
