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
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { startEmulator, type Emulator } from '../emulator';
import { spawnTwilioRun, writeEnvFile, type TwilioRunProcess } from '../harness/functions-server';
import { configWarnings, offlineBanner, onlineBanner, stoppedLine, warningLines, type TokenSource } from './start-banner';

const ROOT = resolve(__dirname, '..');
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

/**
 * twilio-run in live mode (a function is reloaded on every request), as plain `twilio-run start`
 * serves, with the local guard (offline: loopback only), in a process group of its own, so that
 * stopping it stops anything it started (harness/functions-server.ts says how it is run).
 */
function startTwilioRun(port: number, envFile: string | undefined, ngrok = false, loopbackOnly = false): TwilioRunProcess {
  return spawnTwilioRun({ port, envFile, ngrok, loopbackOnly, live: true, output: 'inherit', processGroup: true });
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
    process.stdout.write(
      warningLines(configWarnings({ agentNumber: dotEnv.AGENT_NUMBER, token: dotEnv.HOLD_API_TOKEN, tokenSource, dotEnvPath })),
    );
    const twilioRun = startTwilioRun(port, dotEnvPath, values.ngrok === true);
    cleanups.push(() => twilioRun.stop());
    twilioRun.child.on('exit', onTwilioRunExit);
    console.log(onlineBanner({ port, ngrok: values.ngrok === true, tokenSource, dotEnvPath }));
    return;
  }

  if (values.ngrok)
    throw new StartError('--ngrok needs ACCOUNT_SID and AUTH_TOKEN in .env: offline, the emulator calls the functions on localhost');
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
  const envFile = writeEnvFile(envDir, functionsEnv);
  const tokenFile = join(envDir, 'hold-api-token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const controlTokenFile = join(envDir, 'emulator-control-token');
  writeFileSync(controlTokenFile, `${controlToken}\n`, { mode: 0o600 });

  const twilioRun = startTwilioRun(port, envFile, false, true);
  cleanups.push(() => twilioRun.stop());
  twilioRun.child.on('exit', onTwilioRunExit);

  const functions = `http://localhost:${port}`;
  // After twilio-run's own list of URLs, so the banner is the last thing on the screen.
  await twilioRun.untilServing();
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

main().catch((error: unknown) => {
  console.error(error instanceof StartError ? `npm start: ${error.message}` : error);
  process.exit(1);
});
