// Serves the BUILT functions (dist/, see .twilioserverlessrc) with the real twilio-run, for
// end-to-end tests. twilio-run is started with node directly (not npx, whose wrapper would
// leave twilio-run orphaned when killed) and stopped by its own PID. --no-fork-process keeps a
// request at ~3 ms instead of ~270 ms for a forked runner.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localGuardNodeArgs } from '../scripts/local-guard-args';

const ROOT = resolve(__dirname, '..');
const TWILIO_RUN = join(ROOT, 'node_modules', 'twilio-run', 'bin', 'twilio-run.js');

export interface FunctionsServer {
  /** e.g. http://localhost:41234 */
  url: string;
  port: number;
  /** Everything twilio-run printed so far (request log, console output of the functions). */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function startFunctionsServer(env: Record<string, string>, port?: number): Promise<FunctionsServer> {
  const listenPort = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'call-hold-env-'));
  const envFile = join(dir, '.env');
  writeFileSync(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');

  const child: ChildProcess = spawn(
    process.execPath,
    // With scripts/local-guard.ts, as `npm start` runs it: loopback only, short JSON body errors.
    [...localGuardNodeArgs(), TWILIO_RUN, 'start', '--cwd', ROOT, '--port', String(listenPort), '--env', envFile, '--no-fork-process', '--no-live'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', LOCAL_GUARD_HOST: '127.0.0.1' } },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = `http://localhost:${listenPort}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`twilio-run exited with ${child.exitCode}:\n${output}`);
    }
    try {
      // Webhooks refuse unsigned requests (403): any answer from the function means it is served.
      const response = await fetch(`${url}/hold-music`, { method: 'POST' });
      if (response.status === 200 || response.status === 403) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`twilio-run did not start within 30 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return { url, port: listenPort, output: () => output, stop };
}
