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
  /** ISO 8601 (ms): the state is true as of this instant (docs/hold-api.md, "Ordering answers"). */
  updatedAt: string;
  /** The counts or events may miss something (a Sync outage): the state itself is Twilio's. */
  incomplete: boolean;
}

export interface CallList {
  calls: LiveCall[];
  /** false: Sync could not be read; the calls are Twilio's state alone, without counts. */
  recordsAvailable: boolean;
  liveStateAvailable: boolean;
  emulator: boolean;
}

export interface HoldAnswer {
  callSid: string;
  mode: 'conference' | 'dial';
  held: boolean;
  /**
   * ISO 8601 (ms): Twilio applied the update (or the state was read) after this instant and before
   * `appliedAt`; the window orders answers (docs/hold-api.md, "Ordering answers").
   */
  appliedAfter: string;
  /** ISO 8601 (ms): right after Twilio accepted the update: the window's end. */
  appliedAt: string;
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

/**
 * What a client shows of each call when answers and list reads overlap (several tabs, several
 * instances of the functions, answers that arrive out of order), by the rule of docs/hold-api.md,
 * "Ordering answers": an answer is certainly before another when its window closed before the
 * other's opened; a list read is certainly after an answer when its `updatedAt` is later than the
 * answer's `appliedAt`. When the answers that may have been applied last disagree, the state is
 * `'unknown'` until the next list read: never simply the last to arrive.
 */
export class NewestState {
  private readonly listed = new Map<string, { held: boolean; updatedAt: string }>();
  /** Per call, the answers not older than the list read that may have been applied last. */
  private readonly answers = new Map<string, HoldAnswer[]>();

  fromAnswer(answer: HoldAnswer): void {
    const listed = this.listed.get(answer.callSid);
    // ISO 8601 instants in UTC with milliseconds compare as strings.
    if (listed && answer.appliedAt < listed.updatedAt) return;
    const all = [...(this.answers.get(answer.callSid) ?? []), answer];
    this.answers.set(
      answer.callSid,
      all.filter((x) => !all.some((y) => y !== x && x.appliedAt < y.appliedAfter)),
    );
  }

  fromList(list: CallList): void {
    for (const call of list.calls) {
      const known = this.listed.get(call.callSid);
      if (known && known.updatedAt > call.updatedAt) continue;
      this.listed.set(call.callSid, { held: call.state === 'on-hold', updatedAt: call.updatedAt });
      const newer = (this.answers.get(call.callSid) ?? []).filter((answer) => answer.appliedAt >= call.updatedAt);
      this.answers.set(call.callSid, newer);
    }
  }

  /** Held as last known; 'unknown' when answers overlap and disagree (list the calls); undefined for a call never seen. */
  held(callSid: string): boolean | 'unknown' | undefined {
    const last = this.answers.get(callSid) ?? [];
    if (last.length === 0) return this.listed.get(callSid)?.held;
    return last.every((answer) => answer.held === last[0].held) ? last[0].held : 'unknown';
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
  const states = new NewestState();
  const list = await client.listCalls();
  states.fromList(list);
  const { calls } = list;
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
  states.fromAnswer(held);
  log(`hold ${target.callSid}: held=${held.held}`);
  const resumed = await client.resume(target, held);
  states.fromAnswer(resumed);
  log(`resume ${target.callSid}: held=${resumed.held}`);
  states.fromList(await client.listCalls());
  const now = states.held(target.callSid);
  log(`${target.callSid} now: ${now === 'unknown' ? 'unknown (list the calls again)' : now ? 'on hold' : 'not on hold'}`);
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
