// The one place that starts twilio-run: the tests (startFunctionsServer), `npm start`
// (scripts/start.ts) and the bench (bench/emulator.ts) all serve the built functions (dist/, see
// .twilioserverlessrc) through spawnTwilioRun, and find their ports with freePort.
// twilio-run is started with node directly (not npx, whose wrapper would leave twilio-run orphaned
// when killed) and stopped by its own PID, with scripts/local-guard.ts loaded into it as `npm start`
// runs it (short JSON body errors; offline, loopback only: docs/security.md). --no-fork-process
// unless asked otherwise: the functions run inside twilio-run's own process, so stopping it stops
// them (a forked runner still busy with a webhook would outlive it as an orphan), and a request
// costs ~3 ms instead of ~270 ms for a forked runner.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localGuardNodeArgs } from '../scripts/local-guard-args';

const ROOT = resolve(__dirname, '..');
const TWILIO_RUN = join(ROOT, 'node_modules', 'twilio-run', 'bin', 'twilio-run.js');

/** Ports below every system's range for outgoing connections (Linux 32768-60999; macOS, Windows 49152-65535). */
const FIRST_PORT = 20000;
const PORT_BLOCK = 1000;
/** Where in its block this process starts: another run at the same time starts elsewhere. */
const START = Math.floor(Math.random() * PORT_BLOCK);
let portsTaken = 0;

/** Whether a server could listen on `port` of 127.0.0.1 now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const server = createServer();
    server.once('error', () => answer(false));
    server.listen(port, '127.0.0.1', () => server.close(() => answer(true)));
  });
}

/**
 * A free port of 127.0.0.1 for a server to be started next (it is released in between). Not one
 * the system would pick (listen on port 0): that range is also where outgoing connections take
 * their local ports, and one of them took such a port before twilio-run bound it. Each jest worker
 * has a block of ports of its own (JEST_WORKER_ID), so suites running side by side never pick the
 * same one; within a block the ports are taken in turn.
 */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID);
  const block = Number.isInteger(worker) && worker >= 1 && worker <= 9 ? worker : 10 + (process.pid % 2);
  for (let tried = 0; tried < PORT_BLOCK; tried++) {
    portsTaken += 1;
    const port = FIRST_PORT + block * PORT_BLOCK + ((START + portsTaken) % PORT_BLOCK);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${FIRST_PORT + block * PORT_BLOCK} and ${FIRST_PORT + (block + 1) * PORT_BLOCK - 1}`);
}

/** Writes `env` as a .env file (owner-only: it holds credentials) and returns its path. */
export function writeEnvFile(dir: string, env: Record<string, string>): string {
  const envFile = join(dir, '.env');
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
    { mode: 0o600 },
  );
  return envFile;
}

export interface TwilioRunOptions {
  port: number;
  /** twilio-run's --env; without it, twilio-run reads the project's own .env. */
  envFile?: string;
  /** Listen on 127.0.0.1 only (the local guard's LOCAL_GUARD_HOST): offline, nothing else calls in. */
  loopbackOnly?: boolean;
  /** twilio-run's live mode, which reloads a function on every request (`npm start`). Default off. */
  live?: boolean;
  /** A forked runner per request, twilio-run's own default (the bench compares it). Default off. */
  forkPerRequest?: boolean;
  /** twilio-run's --ngrok tunnel (`npm start --ngrok`, with credentials). */
  ngrok?: boolean;
  /** Node flags loaded before the local guard, e.g. the bench's `--require` of its counters. */
  nodeArgs?: string[];
  /** Variables added to this process's environment for twilio-run (not the functions' .env). */
  env?: Record<string, string>;
  /**
   * inherit: twilio-run prints on this terminal (`npm start`); all: everything it prints is kept
   * (output()); stderr: only the last 4,000 characters of its errors (the bench, whose thousands
   * of requests twilio-run would log).
   */
  output: 'inherit' | 'all' | 'stderr';
  /**
   * In a process group of its own, stopped as a whole (`npm start`): a runner that a forking
   * twilio-run started is stopped with it, even when twilio-run itself exited first.
   */
  processGroup?: boolean;
}

export interface TwilioRunProcess {
  child: ChildProcess;
  /** What twilio-run printed so far ('' with output: 'inherit'). */
  output(): string;
  /**
   * Resolves true once twilio-run accepts connections (it listens once every route is set up),
   * false if it exited first or did not within 30 s. A connection, not an HTTP request: twilio-run
   * logs every request, and a probe of a webhook would print its refusal of an unsigned request.
   */
  untilServing(): Promise<boolean>;
  /** SIGTERM, SIGKILL after 3 s; resolves once it has exited. */
  stop(): Promise<void>;
}

export function spawnTwilioRun(options: TwilioRunOptions): TwilioRunProcess {
  const args = [...(options.nodeArgs ?? []), ...localGuardNodeArgs(), TWILIO_RUN, 'start', '--cwd', ROOT, '--port', String(options.port)];
  if (options.envFile) args.push('--env', options.envFile);
  if (!options.forkPerRequest) args.push('--no-fork-process');
  if (!options.live) args.push('--no-live');
  if (options.ngrok) args.push('--ngrok');
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.loopbackOnly) env.LOCAL_GUARD_HOST = '127.0.0.1';
  if (options.output !== 'inherit') env.FORCE_COLOR = '0';
  const stdio: StdioOptions = options.output === 'inherit' ? 'inherit' : ['ignore', options.output === 'all' ? 'pipe' : 'ignore', 'pipe'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio, env, detached: options.processGroup === true });

  let printed = '';
  const keep = (chunk: Buffer): void => {
    printed = options.output === 'stderr' ? (printed + chunk.toString()).slice(-4000) : printed + chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const signal = (name: NodeJS.Signals): void => {
    try {
      if (options.processGroup) process.kill(-child.pid!, name);
      else child.kill(name);
    } catch {
      // gone already
    }
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    // twilio-run itself may have exited first (Ctrl-C reaches it too) while a runner it forked lives on.
    if (options.processGroup) signal('SIGKILL');
  };

  const accepts = (): Promise<boolean> =>
    new Promise((answer) => {
      const socket = connect({ host: '127.0.0.1', port: options.port });
      socket.once('connect', () => {
        socket.destroy();
        answer(true);
      });
      socket.once('error', () => answer(false));
    });
  const untilServing = async (): Promise<boolean> => {
    for (let tries = 0; tries < 300 && child.exitCode === null && child.signalCode === null; tries++) {
      if (await accepts()) return true;
      await new Promise((wait) => setTimeout(wait, 100));
    }
    return false;
  };

  return { child, output: () => printed, untilServing, stop };
}

export interface FunctionsServer {
  /** e.g. http://localhost:41234 */
  url: string;
  port: number;
  /** Everything twilio-run printed so far (request log, console output of the functions). */
  output(): string;
  stop(): Promise<void>;
}

export type FunctionsServerOptions = Partial<Pick<TwilioRunOptions, 'forkPerRequest' | 'nodeArgs' | 'env' | 'output'>>;

/**
 * The built functions served on localhost (on `port`, or a free one) with `env` as their .env,
 * loopback only; resolves once twilio-run accepts connections. The tests and the bench use it.
 */
export async function startFunctionsServer(
  env: Record<string, string>,
  port?: number,
  options: FunctionsServerOptions = {},
): Promise<FunctionsServer> {
  const listenPort = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'call-hold-env-'));
  const twilioRun = spawnTwilioRun({ output: 'all', ...options, port: listenPort, envFile: writeEnvFile(dir, env), loopbackOnly: true });
  const stop = async (): Promise<void> => {
    await twilioRun.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await twilioRun.untilServing())) {
    const { exitCode, signalCode } = twilioRun.child;
    const why = exitCode !== null || signalCode !== null ? `exited with ${exitCode ?? signalCode}` : 'did not start within 30 s';
    await stop();
    throw new Error(`twilio-run ${why}:\n${twilioRun.output()}`);
  }
  return { url: `http://localhost:${listenPort}`, port: listenPort, output: twilioRun.output, stop };
}
