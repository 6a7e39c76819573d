// `npm start` offline, seen from the network: twilio-run and the emulator listen on 127.0.0.1 only,
// and what twilio-run's body parsers refuse before any function runs (invalid JSON, too many form
// fields, a large body) answers a short JSON error, not express's HTML page with a stack trace
// (scripts/local-guard.ts, docs/security.md), whether the body's length is announced or it is sent
// chunked. Runs scripts/start.ts on the built dist/.
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

it("listens on 127.0.0.1 only: the functions and the emulator are not reachable on the machine's other addresses", async () => {
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
  [
    'more than 1,000 form fields',
    'application/x-www-form-urlencoded',
    Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&'),
    413,
    /too many fields/,
  ],
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

/**
 * POSTs `head` then filler up to `total` bytes in 16 KB chunks with no Content-Length
 * (Transfer-Encoding: chunked), over a bare socket: the server answers while the body is still
 * being sent (node's http client drops an answer that arrives before its request is written in
 * full).
 */
function postChunked(
  path: string,
  contentType: string,
  head: string,
  total: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((answer) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    let sent = 0;
    const piece = (text: string): string => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
    const filler = 'x'.repeat(16_384);
    const writeMore = (): void => {
      while (sent < total && !socket.destroyed) {
        const text = sent === 0 ? head : filler.slice(0, Math.min(filler.length, total - sent));
        sent += text.length;
        if (!socket.write(piece(text))) {
          socket.once('drain', writeMore);
          return;
        }
      }
      if (sent >= total && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      // The whole answer (its chunked body's last chunk) is enough: the connection may stay open.
      if (received.endsWith('\r\n0\r\n\r\n') && sent >= total) socket.destroy();
    });
    socket.on('error', () => undefined); // EPIPE / ECONNRESET once the server has answered and closed
    socket.on('close', () => {
      const [head_, ...body] = received.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head_)?.[1] ?? 0);
      const raw = body.join('\r\n\r\n');
      // The answer's own body is chunked too: keep the JSON between the chunk sizes.
      answer({
        status,
        text: /^[0-9a-f]+\r\n/.test(raw)
          ? raw
              .split('\r\n')
              .filter((_, i) => i % 2 === 1)
              .join('')
          : raw,
      });
    });
    socket.once('connect', () => {
      const lines = [`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Content-Type: ${contentType}`, 'Transfer-Encoding: chunked'];
      // A body read in full may close after its answer; an oversized one is answered mid-body, and
      // closing then would reset the connection under the answer.
      if (total <= 65_536) lines.push('Connection: close');
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      writeMore();
    });
  });
}

it('a 5 MB body sent chunked (no Content-Length) is refused with 413 before any function reads it', async () => {
  for (const path of ['/hold', '/incoming-call']) {
    const answer = await postChunked(path, 'application/json', '{"CallSid": "', 5_000_000, { Authorization: 'Bearer guard-test-token' });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ error: 'bad-input', message: expect.stringMatching(/larger than 65536 bytes/) });
  }
});

it('a small body sent chunked still reaches the function', async () => {
  // /hold reads it: a form with a malformed CallSid and the right token is refused by the function itself.
  const answer = await postChunked('/hold', 'application/x-www-form-urlencoded', 'CallSid=CA', 1_000, {
    Authorization: 'Bearer guard-test-token',
  });
  expect(answer.status).toBe(400);
  expect(answer.text).toMatch(/CallSid/);
  expect(answer.text).not.toMatch(/larger than/);
});
