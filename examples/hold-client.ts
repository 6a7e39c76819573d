// A typed client of the hold API, as agent software would write it: list the live calls with
// GET /calls, hold one and resume it, passing back the SIDs the list gave (ConferenceSid in
// conference mode; in dial mode AgentCallSid, then the agentHandle of the hold's answer), which makes
// each hold and resume ONE Twilio REST (dial mode: the first hold of a call is two, a lookup checks AgentCallSid)
// request. Standalone on purpose: it imports nothing from this project, only the HTTP contract
// (docs/console.md), and needs Node 20 or later (global fetch).
//
//   HOLD_API_URL=http://localhost:3000 HOLD_API_TOKEN=... npx tsx examples/hold-client.ts
//
// With `npm start` running offline, place a call first (the console's "Place a test call", or the
// curl line the start banner prints); the example holds the oldest talking call and resumes it.

export type CallState = 'ringing-agent' | 'talking' | 'on-hold' | 'agent-gone';

export interface LiveCall {
  callSid: string;
  mode: 'conference' | 'dial';
  from: string;
  agent: string;
  state: CallState;
  conferenceSid: string | null;
  agentCallSid: string | null;
  holds: number;
  totalHoldSeconds: number;
  longestHoldSeconds: number;
  holdStartedAt: string | null;
  startedAt: string;
}

export interface CallList {
  calls: LiveCall[];
  emulator: boolean;
}

export interface HoldAnswer {
  callSid: string;
  mode: 'conference' | 'dial';
  held: boolean;
  /** Conference mode, when known. */
  conferenceSid?: string;
  /** The agent's call leg, when known. */
  agentCallSid?: string;
  /** Dial mode: send it back as AgentHandle and the next hold or resume is one REST request. */
  agentHandle?: string;
}

/**
 * What the API answered when it did not answer 200: its status and its words. A 504 means the
 * outcome is unknown (the request reached Twilio, no answer came in time): list the calls again.
 */
export class HoldApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(`${status} ${error}: ${message}`);
    this.name = 'HoldApiError';
  }
}

export class HoldClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  listCalls(): Promise<CallList> {
    return this.send<CallList>('GET', '/calls');
  }

  hold(call: LiveCall): Promise<HoldAnswer> {
    return this.send<HoldAnswer>('POST', '/hold', sidsOf(call));
  }

  /** `after`: an earlier answer about this call; its agentHandle (dial mode) saves the read. */
  resume(call: LiveCall, after?: HoldAnswer): Promise<HoldAnswer> {
    return this.send<HoldAnswer>('POST', '/unhold', { ...sidsOf(call), ...(after?.agentHandle ? { AgentHandle: after.agentHandle } : {}) });
  }

  private async send<T>(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { Authorization: `Bearer ${this.token}` },
      body: form ? new URLSearchParams(form) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      throw new HoldApiError(response.status, String(body.error ?? 'error'), String(body.message ?? response.statusText));
    }
    return body as T;
  }
}

/** The caller's CallSid names the call; the other SID saves the lookup (one REST request). */
export function sidsOf(call: LiveCall): Record<string, string> {
  const form: Record<string, string> = { CallSid: call.callSid };
  if (call.mode === 'conference' && call.conferenceSid) form.ConferenceSid = call.conferenceSid;
  if (call.mode === 'dial' && call.agentCallSid) form.AgentCallSid = call.agentCallSid;
  return form;
}

/** Lists the calls, then holds and resumes the oldest talking one. Returns what it did, in order. */
export async function runExample(client: HoldClient, log: (line: string) => void = console.log): Promise<HoldAnswer[]> {
  const { calls } = await client.listCalls();
  log(`${calls.length} live call(s)`);
  for (const call of calls) {
    log(`  ${call.callSid} from ${call.from} to ${call.agent}: ${call.state}, ${call.holds} hold(s), ${call.totalHoldSeconds} s on hold`);
  }
  const target = calls.find((call) => call.state === 'talking');
  if (!target) {
    log('no talking call to hold');
    return [];
  }
  const held = await client.hold(target);
  log(`hold ${target.callSid}: held=${held.held}`);
  const resumed = await client.resume(target, held);
  log(`resume ${target.callSid}: held=${resumed.held}`);
  return [held, resumed];
}

if (require.main === module) {
  const url = process.env.HOLD_API_URL ?? 'http://localhost:3000';
  const token = process.env.HOLD_API_TOKEN;
  if (!token) {
    console.error('Set HOLD_API_TOKEN (and HOLD_API_URL, default http://localhost:3000).');
    process.exit(2);
  }
  runExample(new HoldClient(url, token)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
