// Forged webhooks over real HTTP, against EVERY function Twilio calls (functions/*.protected.ts,
// enumerated), served by the real twilio-run with a live conference call on the emulator. Each
// forgery must answer 403, make no REST request and change nothing anybody hears. This is what
// that were open under `npm start` and `npm start -- --ngrok`: twilio-run does not enforce
// .protected, so the functions check X-Twilio-Signature themselves (docs/security.md).
// Needs `npm run build` first.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { twilioSignature } from '../../lib/platform/twilio-signature';
import { AGENT_ANSWERS_AFTER_MS, E2E_ACCOUNT_SID, startE2e, type E2eHarness } from '../../harness/e2e';

const WEBHOOKS = readdirSync(join(__dirname, '..', '..', 'functions'))
  .filter((name) => name.endsWith('.protected.ts'))
  .map((name) => `/${name.replace(/\.protected\.ts$/, '')}`);

let h: E2eHarness;
beforeAll(async () => {
  h = await startE2e({ mode: 'conference' });
});
afterAll(async () => {
  await h.close();
});

interface Live {
  caller: string;
  agent: string;
}

async function liveCall(): Promise<Live> {
  const caller = await h.placeCall();
  await h.advance(AGENT_ANSWERS_AFTER_MS);
  const agent = h.agentOf(caller);
  if (!agent) throw new Error('the agent did not join');
  return { caller, agent };
}

/** Our query parameters naming the live call, and Twilio-like form fields that would act on it. */
function forgedParts(call: Live): { query: Record<string, string>; body: Record<string, string> } {
  return {
    query: { AgentCallSid: call.agent, CallerCallSid: call.caller, Waited: 'true' },
    body: {
      AccountSid: E2E_ACCOUNT_SID,
      CallSid: call.agent,
      CallStatus: 'busy',
      DialCallSid: call.agent,
      DialCallStatus: 'completed',
      From: '+15551230000',
      QueueResult: 'hangup',
      To: '+15550100000',
    },
  };
}

function urlOf(path: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return `${h.functions.url}${path}${search ? `?${search}` : ''}`;
}

async function send(path: string, query: Record<string, string>, body: Record<string, string>, signature?: string) {
  const response = await fetch(urlOf(path, query), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(signature ? { 'X-Twilio-Signature': signature } : {}) },
    body: new URLSearchParams(body).toString(),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}

const forgeries: [string, (path: string, call: Live) => Promise<{ status: number; body: Record<string, unknown> }>][] = [
  ['unsigned', (path, call) => send(path, forgedParts(call).query, forgedParts(call).body)],
  [
    'signed with another Auth Token',
    (path, call) => {
      const { query, body } = forgedParts(call);
      return send(path, query, body, twilioSignature('another-accounts-auth-token-000', urlOf(path, query), body));
    },
  ],
  [
    'signed for another URL',
    (path, call) => {
      const { query, body } = forgedParts(call);
      const other = WEBHOOKS.find((p) => p !== path)!;
      return send(path, query, body, twilioSignature(h.emu.authToken, urlOf(other, query), body));
    },
  ],
  [
    'replayed with other parameters',
    (path, call) => {
      const { query, body } = forgedParts(call);
      const signature = twilioSignature(h.emu.authToken, urlOf(path, query), { ...body, CallStatus: 'completed' });
      return send(path, query, body, signature);
    },
  ],
  [
    'replayed with another call in the query',
    (path, call) => {
      const { query, body } = forgedParts(call);
      const signature = twilioSignature(h.emu.authToken, urlOf(path, { ...query, CallerCallSid: 'CA' + '0'.repeat(32) }), body);
      return send(path, query, body, signature);
    },
  ],
];

describe.each(forgeries)('a forged webhook (%s) against every function', (_name, forge) => {
  it.each(WEBHOOKS)('%s: 403, no REST request, nobody hears anything different', async (path) => {
    const call = await liveCall();
    const restBefore = h.restLog().length;
    const callsBefore = h.emu.calls().length;
    const heard = [h.hears(call.caller), h.hears(call.agent)];

    const reply = await forge(path, call);
    await h.emu.settle();
    await h.advance(10_000);

    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ error: 'forbidden' });
    expect(h.restLog().slice(restBefore)).toEqual([]);
    expect(h.emu.calls()).toHaveLength(callsBefore);
    expect([h.hears(call.caller), h.hears(call.agent)]).toEqual(heard);
    await h.partyHangsUp(call.caller);
  });
});

it("the same request, signed as Twilio signs it, is answered (so the 403s above are the signature's doing)", async () => {
  const call = await liveCall();
  const { body } = forgedParts(call);
  const reply = await send('/hold-music', {}, body, twilioSignature(h.emu.authToken, urlOf('/hold-music', {}), body));
  expect(reply.status).toBe(200);
  await h.partyHangsUp(call.caller);
});
