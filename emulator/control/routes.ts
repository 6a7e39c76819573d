// The /emulator HTTP API: place a call, answer / reject / hang up a party, configure parties and
// numbers, advance the clock, read state and the log, set faults. Bodies: form or JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine';
import { TwilioApiError } from '../engine/errors';
import type { Fault } from '../engine/faults';
import type { PartyBehavior } from '../engine/parties';
import { callView, callViews, conferenceViews, queueViews } from '../engine/views';
import { readBody } from '../rest/params';
import { CONTROL_PAGE } from './page';

type Body = Record<string, unknown>;

class BadRequest extends Error {}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(text);
}

async function parseBody(req: IncomingMessage): Promise<Body> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  if ((req.headers['content-type'] ?? '').includes('json')) return JSON.parse(text) as Body;
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

const BEHAVIORS: readonly PartyBehavior[] = ['answer', 'busy', 'no-answer', 'fail'];

/** Fault patterns arrive as strings over HTTP; "/.../" is a regular expression. */
function pattern(v: unknown): RegExp | string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^\/(.*)\/([a-z]*)$/.exec(v);
  return m ? new RegExp(m[1], m[2]) : v;
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
    faults: engine.faults.list().map((f) => ({ ...f, ...(f.target === 'rest' ? { path: String(f.path ?? '') } : { url: String(f.url ?? '') }) })),
  };
}

export async function handleControl(engine: Engine, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '');
  try {
    if (method === 'GET' && path === '/emulator') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(CONTROL_PAGE);
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
        const after = field(body, 'AfterMs', 'afterMs');
        engine.parties.set(need(body, 'Address', 'address'), { behavior, afterMs: after === undefined ? undefined : Number(after) });
        return json(res, 200, { ok: true });
      }
      if (method === 'POST' && path === '/emulator/numbers') {
        const voiceMethod = field(body, 'VoiceMethod', 'voiceMethod')?.toUpperCase() === 'GET' ? 'GET' : 'POST';
        engine.setNumber({ phoneNumber: need(body, 'PhoneNumber', 'phoneNumber'), voiceUrl: need(body, 'VoiceUrl', 'voiceUrl'), voiceMethod });
        return json(res, 200, { ok: true });
      }
      if (method === 'POST' && path === '/emulator/advance') {
        await engine.advance(Number(field(body, 'ms', 'Ms') ?? 0));
        return json(res, 200, state(engine));
      }
      if (method === 'POST' && path === '/emulator/faults') {
        const target = need(body, 'target');
        if (target !== 'rest' && target !== 'webhook') throw new BadRequest('target must be rest or webhook');
        const num = (n: string) => (field(body, n) === undefined ? undefined : Number(field(body, n)));
        const fault: Fault = target === 'rest'
          ? { target, method: field(body, 'method'), path: pattern(body.path), status: num('status') as 429 | 500 | 503 | undefined, count: num('count'), skip: num('skip'), latencyMs: num('latencyMs') }
          : { target, url: pattern(body.url), status: num('status'), count: num('count'), skip: num('skip'), latencyMs: num('latencyMs') };
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
    if (e instanceof BadRequest || e instanceof SyntaxError) return json(res, 400, { error: e.message });
    if (e instanceof TwilioApiError) return json(res, e.status, { error: e.message, code: e.code });
    throw e;
  }
}
