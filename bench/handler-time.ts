// Handler time in-process: the built TwiML functions (dist/) called as the runtime calls them,
// against the same TwiML written the way Twilio's examples write a Function (require('twilio'),
// new twilio.twiml.VoiceResponse(), callback(null, twiml); the runtime then calls toString()).
// Both sides are measured in the same process, alternating in blocks, each op from the call to
// the served text. This is the warm cost of an invocation; the cold cost is cold-load.ts.
import path from 'node:path';
import { performance } from 'node:perf_hooks';

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
const CONTEXT = { DOMAIN_NAME: DOMAIN, PATH: '/', AGENT_NUMBER: '+15550100001', HOLD_MODE: 'dial', getTwilioClient: () => { throw new Error('no REST here'); } };

function twilioExamples(): { VoiceResponse: new () => { toString(): string } & Record<string, (...a: unknown[]) => unknown> } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('twilio') as { twiml: ReturnType<typeof twilioExamples> }).twiml;
}

export function handlerCases(): HandlerCase[] {
  const { VoiceResponse } = twilioExamples();
  return [
    {
      name: 'hold-music',
      fn: 'hold-music.protected',
      context: CONTEXT,
      event: {},
      baseline: (context, _event, callback) => {
        const twiml = new VoiceResponse();
        twiml.play({ loop: 0 }, `https://${(context as typeof CONTEXT).DOMAIN_NAME}/hold-music.mp3`);
        callback(null, twiml);
      },
    },
    {
      name: 'agent-hold-loop',
      fn: 'agent-hold-loop.protected',
      context: CONTEXT,
      event: {},
      baseline: (context, _event, callback) => {
        const twiml = new VoiceResponse();
        twiml.say('Your caller is on hold.');
        twiml.pause({ length: 30 });
        twiml.redirect({ method: 'POST' }, `https://${(context as typeof CONTEXT).DOMAIN_NAME}/agent-hold-loop?Announced=true`);
        callback(null, twiml);
      },
    },
    {
      name: 'incoming-call (dial mode)',
      fn: 'incoming-call.protected',
      context: CONTEXT,
      event: { CallSid: 'CA' + '0123456789abcdef'.repeat(2), To: '+15550100000' },
      baseline: (context, event, callback) => {
        const c = context as typeof CONTEXT;
        const twiml = new VoiceResponse();
        const dial = twiml.dial({ action: `https://${c.DOMAIN_NAME}/dial-ended`, method: 'POST', timeout: 30 }) as unknown as Record<string, (...a: unknown[]) => unknown>;
        dial.number({
          statusCallback: `https://${c.DOMAIN_NAME}/agent-leg-status?CallerCallSid=${String(event.CallSid)}`,
          statusCallbackMethod: 'POST', statusCallbackEvent: ['completed'],
        }, c.AGENT_NUMBER);
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

/** ops invocations of each side, in 10 alternating blocks, after a warm-up of ops/10 each. */
export async function measureHandlerTime(ops: number): Promise<HandlerRow[]> {
  const rows: HandlerRow[] = [];
  for (const c of handlerCases()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
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
