// The /emulator HTTP API: place a call, answer / reject / hang up a party, configure parties and
// numbers, advance the clock, read state and the log, set faults. Bodies: form or JSON. Who may
// use it is decided first, before a body is read (./access.ts, docs/emulator-api.md#access).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine';
import { TwilioApiError } from '../engine/errors';
import { type Fault, FaultPatternError } from '../engine/faults';
import type { PartyBehavior } from '../engine/parties';
import { callView, callViews, conferenceViews, queueViews } from '../engine/views';
import { controlRefusal, isLoopbackHost } from './access';
import { CONTROL_PAGE } from './page';

export interface ControlAccess {
  /** The run's control token: changes need `Authorization: Bearer <token>`. */
  token: string;
  /** The address the emulator listens on. */
  boundHost: string;
}

/** A control request's body is a few fields; anything larger is refused unread. */
export const MAX_CONTROL_BODY_BYTES = 16_384;

/** The longest /emulator/advance: a day of virtual time (longer would only run timers for nothing). */
export const MAX_ADVANCE_MS = 86_400_000;

type Body = Record<string, unknown>;

class BadRequest extends Error {}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(text);
}

class TooLarge extends Error {}

/** The body as text, refused past MAX_CONTROL_BODY_BYTES (with or without Content-Length). */
function readLimitedBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_CONTROL_BODY_BYTES) {
      reject(new TooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CONTROL_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new TooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function parseBody(req: IncomingMessage): Promise<Body> {
  const text = await readLimitedBody(req);
  if (text.trim() === '') return {};
  if ((req.headers['content-type'] ?? '').includes('json')) {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequest('a JSON body must be an object');
    return parsed as Body;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function field(body: Body, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = body[n];
    if (v !== undefined && v !== null && v !== '') return String(v);
  }
  return undefined;
}

function need(body: Body, ...names: string[]): string {
  const v = field(body, ...names);
  if (v === undefined) throw new BadRequest(`${names[0]} is required`);
  return v;
}

const BEHAVIORS: readonly PartyBehavior[] = ['answer', 'voicemail', 'busy', 'no-answer', 'fail'];

/**
 * A fault pattern over HTTP is a plain string or a `*` glob (emulator/engine/faults.ts), never a
 * regular expression: the "/.../" form that once built one is refused with a clear message.
 */
function pattern(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new BadRequest('a fault pattern must be a string');
  if (/^\/.*\/[a-z]*$/.test(v) && v.length > 1) {
    throw new BadRequest(
      'a fault pattern is a plain string found in the path or URL, with * for any characters; regular expressions are not accepted',
    );
  }
  return v;
}

/** A number's Voice URL over HTTP: http(s) on a loopback host, so no request can aim the emulator elsewhere. */
function loopbackUrl(v: string): string {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new BadRequest('VoiceUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadRequest('VoiceUrl must be an absolute http(s) URL');
  if (!isLoopbackHost(url.hostname)) throw new BadRequest('VoiceUrl must be on a loopback host (localhost, 127.0.0.1, [::1])');
  return v;
}

function numberIn(body: Body, min: number, max: number, ...names: string[]): number | undefined {
  const v = field(body, ...names);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new BadRequest(`${names[0]} must be a number from ${min} to ${max}`);
  return n;
}

/** The control page, with the run's token for its own requests (only a same-origin page can read it). */
function controlPage(token: string): string {
  return CONTROL_PAGE.replace('<head>', `<head><meta name="emulator-control-token" content="${token.replace(/[^\w.~+/=-]/g, '')}">`);
}

export function state(engine: Engine) {
  return {
    clock: engine.clock.kind,
    now: engine.clock.now(),
    calls: callViews(engine),
    conferences: conferenceViews(engine),
    queues: queueViews(engine),
    /** The configured numbers: the page's To starts with the first (the business number). */
    numbers: [...engine.numbers.keys()],
    faults: engine.faults
      .list()
      .map((f) => ({ ...f, ...(f.target === 'rest' ? { path: String(f.path ?? '') } : { url: String(f.url ?? '') }) })),
  };
}

export async function handleControl(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  access: ControlAccess,
): Promise<void> {
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '');
  const refusal = controlRefusal(req, access.boundHost, access.token);
  if (refusal) {
    req.resume();
    res
      .writeHead(refusal.status, {
        'Content-Type': 'application/json; charset=utf-8',
        ...(refusal.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="emulator"' } : {}),
      })
      .end(JSON.stringify({ error: refusal.error }));
    return;
  }
  try {
    if (method === 'GET' && path === '/emulator') {
      res
        .writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          // The page holds the token: never cached, never framed by another site (clickjacking).
          'Cache-Control': 'no-store',
          'Content-Security-Policy': "frame-ancestors 'none'",
          'X-Frame-Options': 'DENY',
          'Referrer-Policy': 'no-referrer',
        })
        .end(controlPage(access.token));
      return;
    }
    if (method === 'GET' && path === '/emulator/state') return json(res, 200, state(engine));
    if (method === 'GET' && path === '/emulator/log') return json(res, 200, engine.log.list());
    const callMatch = /^\/emulator\/calls\/([^/]+)(?:\/(answer|hangup|reject))?$/.exec(path);
    if (method === 'GET' && callMatch && !callMatch[2]) {
      const view = callView(engine, callMatch[1]);
      return view ? json(res, 200, view) : json(res, 404, { error: `no call ${callMatch[1]}` });
    }
    if (method === 'POST' || method === 'DELETE') {
      const body = method === 'POST' ? await parseBody(req) : {};
      if (method === 'POST' && path === '/emulator/calls') {
        // Without To: the first configured number (the business number of npm start and the tests).
        const to = field(body, 'To', 'to') ?? [...engine.numbers.keys()][0];
        if (to === undefined) throw new BadRequest('To is required: no number is configured');
        const callSid = engine.placeInboundCall(need(body, 'From', 'from'), to);
        return json(res, 201, { callSid });
      }
      if (method === 'POST' && callMatch?.[2]) {
        const sid = callMatch[1];
        // "reject" is the party declining a ringing leg: the same as hanging up before answering.
        const ok = callMatch[2] === 'answer' ? engine.answer(sid) : engine.partyHangsUp(sid);
        return json(res, ok ? 200 : 409, ok ? callView(engine, sid) : { error: `call ${sid} cannot ${callMatch[2]} now` });
      }
      if (method === 'POST' && path === '/emulator/parties') {
        const behavior = need(body, 'Behavior', 'behavior') as PartyBehavior;
        if (!BEHAVIORS.includes(behavior)) throw new BadRequest(`behavior must be one of ${BEHAVIORS.join(', ')}`);
        const afterMs = numberIn(body, 0, MAX_ADVANCE_MS, 'AfterMs', 'afterMs');
        // Presses: the keys an answering party presses at a <Gather> ("" = none; default "1").
        const presses = body.Presses ?? body.presses;
        if (presses !== undefined && (typeof presses !== 'string' || !/^[0-9*#]{0,8}$/.test(presses)))
          throw new BadRequest('presses must be up to 8 keys of 0-9, * and #');
        engine.parties.set(need(body, 'Address', 'address'), { behavior, afterMs, presses });
        return json(res, 200, { ok: true });
      }
      if (method === 'POST' && path === '/emulator/numbers') {
        const voiceMethod = field(body, 'VoiceMethod', 'voiceMethod')?.toUpperCase() === 'GET' ? 'GET' : 'POST';
        engine.setNumber({
          phoneNumber: need(body, 'PhoneNumber', 'phoneNumber'),
          voiceUrl: loopbackUrl(need(body, 'VoiceUrl', 'voiceUrl')),
          voiceMethod,
        });
        return json(res, 200, { ok: true });
      }
      if (method === 'POST' && path === '/emulator/advance') {
        await engine.advance(numberIn(body, 0, MAX_ADVANCE_MS, 'ms', 'Ms') ?? 0);
        return json(res, 200, state(engine));
      }
      if (method === 'POST' && path === '/emulator/faults') {
        const target = need(body, 'target');
        if (target !== 'rest' && target !== 'webhook') throw new BadRequest('target must be rest or webhook');
        const num = (n: string) => numberIn(body, 0, n === 'latencyMs' ? MAX_ADVANCE_MS : 1_000_000_000, n);
        const status = num('status');
        if (status !== undefined && (target === 'rest' ? ![429, 500, 503].includes(status) : status < 100 || status > 599)) {
          throw new BadRequest(target === 'rest' ? 'status must be 429, 500 or 503' : 'status must be an HTTP status (100-599)');
        }
        const fault: Fault =
          target === 'rest'
            ? {
                target,
                method: field(body, 'method'),
                path: pattern(body.path),
                status: status as 429 | 500 | 503 | undefined,
                count: num('count'),
                skip: num('skip'),
                latencyMs: num('latencyMs'),
              }
            : { target, url: pattern(body.url), status, count: num('count'), skip: num('skip'), latencyMs: num('latencyMs') };
        engine.faults.add(fault);
        return json(res, 201, { ok: true });
      }
      if (method === 'DELETE' && path === '/emulator/faults') {
        engine.faults.clear();
        return json(res, 200, { ok: true });
      }
    }
    json(res, 404, { error: `no control endpoint ${method} ${path}` });
  } catch (e) {
    if (e instanceof TooLarge) return json(res, 413, { error: `the body is larger than ${MAX_CONTROL_BODY_BYTES} bytes` });
    if (e instanceof BadRequest || e instanceof SyntaxError || e instanceof FaultPatternError) return json(res, 400, { error: e.message });
    if (e instanceof TwilioApiError) return json(res, e.status, { error: e.message, code: e.code });
    throw e;
  }
}
