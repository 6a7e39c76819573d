// A small typed client for agent software: list the live calls, hold one, resume it.
// It is an example to copy (no dependencies: Node 20's fetch or a browser's), and it is run by
// tests/e2e/hold-client.test.ts against the emulator and the built functions.
//
// It keeps what each answer hands back (conferenceSid, agentCallSid, agentHandle) and passes it on
// the next request of the same call, which is what makes a hold or resume one REST request to
// Twilio instead of two or three (docs/hold-api.md). Run it:
//
//   HOLD_URL=http://localhost:3000 HOLD_API_TOKEN=$(cat <token file from npm start>) \
//     npx tsx examples/hold-client.ts            # lists the calls, holds the first, resumes it

/** One live call, as GET /calls lists it (docs/hold-api.md). */
export interface LiveCall {
  callSid: string;
  mode: 'conference' | 'dial';
  from: string;
  agent: string;
  state: 'ringing-agent' | 'talking' | 'on-hold' | 'agent-gone';
  conferenceSid: string | null;
  agentCallSid: string | null;
  holds: number;
  totalHoldSeconds: number;
  longestHoldSeconds: number;
  holdStartedAt: string | null;
  startedAt: string;
}

/** The answer of /hold and /unhold. */
export interface HoldAnswer {
  callSid: string;
  mode: 'conference' | 'dial';
  held: boolean;
  conferenceSid?: string;
  agentCallSid?: string;
  agentHandle?: string;
}

/** A refused or failed request, with the API's own words. */
export class HoldApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    /** 504 only: "unknown" when the request reached Twilio but no answer came in time. */
    readonly outcome?: string,
  ) {
    super(`${status} ${error}: ${message}`);
  }
}

interface KnownSids {
  mode: 'conference' | 'dial';
  conferenceSid?: string;
  agentCallSid?: string;
  agentHandle?: string;
}

export class HoldClient {
  private readonly known = new Map<string, KnownSids>();

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** GET /calls: every live call, with the SIDs that make a hold one request. */
  async listCalls(): Promise<LiveCall[]> {
    const { calls } = (await this.request('GET', '/calls')) as { calls: LiveCall[] };
    for (const call of calls) {
      this.remember(call.callSid, {
        mode: call.mode,
        conferenceSid: call.conferenceSid ?? undefined,
        agentCallSid: call.agentCallSid ?? undefined,
      });
    }
    return calls;
  }

  hold(callSid: string): Promise<HoldAnswer> {
    return this.control('/hold', callSid);
  }

  resume(callSid: string): Promise<HoldAnswer> {
    return this.control('/unhold', callSid);
  }

  private async control(path: '/hold' | '/unhold', callSid: string): Promise<HoldAnswer> {
    const answer = (await this.request('POST', path, { CallSid: callSid, ...this.sidsFor(callSid) })) as HoldAnswer;
    this.remember(callSid, {
      mode: answer.mode,
      conferenceSid: answer.conferenceSid,
      agentCallSid: answer.agentCallSid,
      agentHandle: answer.agentHandle,
    });
    return answer;
  }

  /** Conference mode names the conference; dial mode the agent's leg (and its signed handle). */
  private sidsFor(callSid: string): Record<string, string> {
    const known = this.known.get(callSid);
    if (!known) return {};
    const fields: Record<string, string | undefined> =
      known.mode === 'conference'
        ? { ConferenceSid: known.conferenceSid }
        : { AgentCallSid: known.agentCallSid, AgentHandle: known.agentHandle };
    return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
  }

  private remember(callSid: string, learned: KnownSids): void {
    const before = this.known.get(callSid);
    this.known.set(callSid, {
      mode: learned.mode,
      conferenceSid: learned.conferenceSid ?? before?.conferenceSid,
      agentCallSid: learned.agentCallSid ?? before?.agentCallSid,
      agentHandle: learned.agentHandle ?? before?.agentHandle,
    });
  }

  private async request(method: 'GET' | 'POST', path: string, body?: Record<string, string>): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      throw new HoldApiError(
        response.status,
        String(answer.error ?? 'http-error'),
        String(answer.message ?? response.statusText),
        typeof answer.outcome === 'string' ? answer.outcome : undefined,
      );
    }
    return answer;
  }
}

async function main(): Promise<void> {
  const baseUrl = process.env.HOLD_URL ?? 'http://localhost:3000';
  const token = process.env.HOLD_API_TOKEN;
  if (!token) throw new Error('set HOLD_API_TOKEN (npm start says which file holds it)');
  const client = new HoldClient(baseUrl, token);
  const calls = await client.listCalls();
  console.log(`${calls.length} live call(s)`);
  const call = calls.find((c) => c.state === 'talking');
  if (!call) return;
  console.log('hold  ', await client.hold(call.callSid));
  console.log('resume', await client.resume(call.callSid));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
