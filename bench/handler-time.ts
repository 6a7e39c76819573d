// Handler time in-process: the built TwiML-only functions (dist/) called as the runtime calls them,
// against the same TwiML written the way Twilio's examples write a Function (require('twilio'),
// new twilio.twiml.VoiceResponse(), callback(null, twiml); the runtime then calls toString()).
// Both sides are measured in the same process, alternating in blocks, each op from the call to
// the served text. This is the warm cost of an invocation; the cold cost is cold-load.ts.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import * as t from '../lib/platform/twiml';

const ROOT = path.join(__dirname, '..');
const BUILT = path.join(ROOT, 'dist', 'functions');

type Callback = (error: unknown, payload?: unknown) => void;
type Handler = (context: object, event: Record<string, unknown>, callback: Callback) => unknown;

export interface HandlerCase {
  name: string;
  /** The built function, dist/functions/<fn>.js. */
  fn: string;
  context: Record<string, unknown>;
  event: Record<string, unknown>;
  /** The same answer written as Twilio's examples write it. */
  baseline: Handler;
}

export interface HandlerFigures {
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
}

export interface HandlerRow {
  name: string;
  ours: HandlerFigures;
  baseline: HandlerFigures;
  /** ours ops/s over baseline ops/s. */
  speedup: number;
  /** The two answers are the same TwiML text. */
  sameTwiml: boolean;
}

const DOMAIN = 'call-hold-1234-dev.twil.io';
const AUTH_TOKEN = 'be4c'.repeat(8);
const CONTEXT = {
  DOMAIN_NAME: DOMAIN,
  PATH: '/',
  AUTH_TOKEN,
  AGENT_NUMBER: '+15550100001',
  HOLD_MODE: 'dial',
  getTwilioClient: () => {
    throw new Error('no REST here');
  },
};

/**
 * The context and event of a webhook Twilio signed: our functions check X-Twilio-Signature
 * themselves (lib/platform/webhook-handler.ts), so their time includes that check; the
 * example-style baseline does not check (deployed, Twilio's runtime checks protected functions).
 */
function signed(path: string, params: Record<string, string>): { context: Record<string, unknown>; event: Record<string, unknown> } {
  const signature = getExpectedTwilioSignature(AUTH_TOKEN, `https://${DOMAIN}${path}`, params);
  return {
    context: { ...CONTEXT, PATH: path },
    event: { ...params, request: { headers: { 'x-twilio-signature': signature }, cookies: {} } },
  };
}

function twilioExamples(): { VoiceResponse: new () => { toString(): string } & Record<string, (...a: unknown[]) => unknown> } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the twilio package is the baseline measured, loaded when measured
  return (require('twilio') as { twiml: ReturnType<typeof twilioExamples> }).twiml;
}

export function handlerCases(): HandlerCase[] {
  const { VoiceResponse } = twilioExamples();
  return [
    {
      name: 'hold-music',
      fn: 'hold-music.protected',
      ...signed('/hold-music', {}),
      baseline: (context, _event, callback) => {
        const twiml = new VoiceResponse();
        twiml.play({ loop: 0 }, `https://${(context as typeof CONTEXT).DOMAIN_NAME}/hold-music.mp3`);
        callback(null, twiml);
      },
    },
  ];
}

/** What the runtime would serve: a Twilio.Response's body, or a VoiceResponse's toString(). */
function served(payload: unknown): string {
  const body = (payload as { body?: unknown }).body;
  return typeof body === 'string' ? body : String(payload);
}

function invoke(handler: Handler, context: object, event: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const result = handler(context, event, (error, payload) => (error ? reject(error as Error) : resolve(served(payload))));
    if (result instanceof Promise) result.catch(reject);
  });
}

const quantile = (sorted: Float64Array, q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function timeBlock(handler: Handler, c: HandlerCase, ops: number, into: number[]): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    const s = performance.now();
    await invoke(handler, c.context, c.event);
    into.push(performance.now() - s);
  }
  return performance.now() - t0;
}

function figures(latencies: number[], ms: number): HandlerFigures {
  const sorted = Float64Array.from(latencies).sort();
  return { opsPerSec: (latencies.length / ms) * 1000, p50Us: quantile(sorted, 0.5) * 1000, p99Us: quantile(sorted, 0.99) * 1000 };
}

export interface BuildRow {
  name: string;
  ours: HandlerFigures;
  baseline: HandlerFigures;
  speedup: number;
  sameTwiml: boolean;
}

/**
 * Building the TwiML text alone, without the handler around it: lib/platform/twiml.ts against
 * twilio's VoiceResponse for the same document, alternating in 10 blocks.
 */
export function measureTwimlBuilding(ops: number): BuildRow[] {
  const { VoiceResponse } = twilioExamples();
  const url = `https://${DOMAIN}/hold-music.mp3`;
  const status = `https://${DOMAIN}/agent-leg-status?CallerCallSid=CA0123456789abcdef0123456789abcdef`;
  const cases: { name: string; ours: () => string; baseline: () => string }[] = [
    {
      name: '<Play loop="0">',
      ours: () => t.twiml(t.play(url, { loop: 0 })).toString(),
      baseline: () => {
        const r = new VoiceResponse();
        r.play({ loop: 0 }, url);
        return r.toString();
      },
    },
    {
      name: '<Dial action timeout><Number statusCallback...>',
      ours: () =>
        t
          .twiml(
            t.dial(
              { action: url, method: 'POST', timeout: 30 },
              t.number('+15550100001', { statusCallback: status, statusCallbackMethod: 'POST', statusCallbackEvent: ['completed'] }),
            ),
          )
          .toString(),
      baseline: () => {
        const r = new VoiceResponse();
        (r.dial({ action: url, method: 'POST', timeout: 30 }) as unknown as Record<string, (...a: unknown[]) => unknown>).number(
          { statusCallback: status, statusCallbackMethod: 'POST', statusCallbackEvent: ['completed'] },
          '+15550100001',
        );
        return r.toString();
      },
    },
  ];
  return cases.map((c) => {
    const block = Math.ceil(ops / 10);
    const run = (f: () => string, into: number[]): number => {
      const t0 = performance.now();
      for (let i = 0; i < block; i++) {
        const s0 = performance.now();
        f();
        into.push(performance.now() - s0);
      }
      return performance.now() - t0;
    };
    run(c.ours, []);
    run(c.baseline, []);
    const lat = { ours: [] as number[], baseline: [] as number[] };
    const ms = { ours: 0, baseline: 0 };
    for (let b = 0; b < 10; b++) {
      ms.ours += run(c.ours, lat.ours);
      ms.baseline += run(c.baseline, lat.baseline);
    }
    const o = figures(lat.ours, ms.ours);
    const base = figures(lat.baseline, ms.baseline);
    return { name: c.name, ours: o, baseline: base, speedup: o.opsPerSec / base.opsPerSec, sameTwiml: c.ours() === c.baseline() };
  });
}

/** ops invocations of each side, in 10 alternating blocks, after a warm-up of ops/10 each. */
export async function measureHandlerTime(ops: number): Promise<HandlerRow[]> {
  const rows: HandlerRow[] = [];
  for (const c of handlerCases()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- each built function, by path, at run time
    const ours = (require(path.join(BUILT, `${c.fn}.js`)) as { handler: Handler }).handler;
    const sameTwiml = (await invoke(ours, c.context, c.event)) === (await invoke(c.baseline, c.context, c.event));
    const warm: number[] = [];
    await timeBlock(ours, c, Math.ceil(ops / 10), warm);
    await timeBlock(c.baseline, c, Math.ceil(ops / 10), warm);
    const lat = { ours: [] as number[], baseline: [] as number[] };
    const ms = { ours: 0, baseline: 0 };
    const block = Math.ceil(ops / 10);
    for (let b = 0; b < 10; b++) {
      ms.ours += await timeBlock(ours, c, block, lat.ours);
      ms.baseline += await timeBlock(c.baseline, c, block, lat.baseline);
    }
    const o = figures(lat.ours, ms.ours);
    const base = figures(lat.baseline, ms.baseline);
    rows.push({ name: c.name, ours: o, baseline: base, speedup: o.opsPerSec / base.opsPerSec, sameTwiml });
  }
  return rows;
}
