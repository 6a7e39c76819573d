// Hold events and metrics end to end, both modes: the emulator (virtual clock), the BUILT functions
// under twilio-run with HOLD_EVENTS_URL pointing at a receiver in this process, which verifies
// each delivery with the `standardwebhooks` library the way docs/hold-experience.md shows.
// Needs `npm run build`.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { AGENT_ANSWERS_AFTER_MS, AGENT_NUMBER, CALLER_NUMBER, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

export const HOLD_EVENTS_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

interface Received {
  body: Record<string, unknown>;
  raw: string;
  /** webhook-id, as sent. */
  id: string;
  signed: boolean;
  answered: number;
}

/** A receiver of hold events: answers 204, or 500 for the next n requests, or drops connections. */
class Receiver {
  readonly received: Received[] = [];
  failNext = 0;
  down = false;
  private readonly webhook = new Webhook(HOLD_EVENTS_SECRET);
  private server: Server = createServer((request, response) => void this.handle(request, response));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hold-events`;
  }

  private async handle(request: IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    if (this.down) {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let signed = true;
    try {
      this.webhook.verify(raw, request.headers as Record<string, string>);
    } catch {
      signed = false;
    }
    const answered = this.failNext > 0 ? 500 : 204;
    if (this.failNext > 0) this.failNext -= 1;
    this.received.push({
      body: JSON.parse(raw) as Record<string, unknown>,
      raw,
      id: String(request.headers['webhook-id']),
      signed,
      answered,
    });
    response.writeHead(answered).end();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.each(['conference', 'dial'] as const)('hold events in %s mode', (mode) => {
  let h: E2eHarness;
  const receiver = new Receiver();
  beforeAll(async () => {
    const url = await receiver.start();
    h = await startE2e({ mode, env: { HOLD_EVENTS_URL: url, HOLD_EVENTS_SECRET } });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });
  afterEach(async () => {
    receiver.down = false;
    receiver.failNext = 0;
    for (const call of h.emu.calls()) {
      if (h.emu.hears(call.sid)) await h.emu.hangup(call.sid);
    }
    await h.emu.settle();
  });

  async function talkingCall(): Promise<string> {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    expect(h.hears(caller)).toMatchObject({ kind: 'party' });
    return caller;
  }

  async function listedCall(caller: string): Promise<Record<string, unknown> | undefined> {
    const response = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
    expect(response.status).toBe(200);
    const { calls } = (await response.json()) as { calls: Record<string, unknown>[] };
    return calls.find((call) => call.callSid === caller);
  }

  /** The hold events and the summary delivered for a call (the call-connected event has its own test). */
  const eventsOf = (caller: string) => receiver.received.filter((r) => r.body.callSid === caller && r.body.type !== 'call-connected');

  it('the agent answering delivers one signed call-connected event with every SID /hold needs', async () => {
    const caller = await talkingCall();
    const connected = receiver.received.filter((r) => r.body.callSid === caller && r.body.type === 'call-connected');
    expect(connected).toHaveLength(1);
    expect(connected[0].signed).toBe(true);
    const agentCallSid = h.agentOf(caller);
    expect(connected[0].body).toEqual({
      id: connected[0].id,
      type: 'call-connected',
      callSid: caller,
      mode,
      from: CALLER_NUMBER,
      agent: AGENT_NUMBER,
      conferenceSid: mode === 'conference' ? h.conferenceOf(caller)!.sid : null,
      agentCallSid,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // Holding and resuming deliver no second call-connected event.
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    expect((await h.control('unhold', { CallSid: caller })).status).toBe(200);
    expect(receiver.received.filter((r) => r.body.callSid === caller && r.body.type === 'call-connected')).toHaveLength(1);
  });

  it('a call with three holds: metrics through GET /calls, every event delivered and signed, then the summary', async () => {
    const caller = await talkingCall();
    for (const seconds of [10, 30, 20]) {
      expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
      await h.advance(seconds * 1000);
      expect((await h.control('unhold', { CallSid: caller })).status).toBe(200);
      await h.advance(5000);
    }
    const listed = (await listedCall(caller))!;
    expect(listed).toMatchObject({ holds: 3, totalHoldSeconds: 60, longestHoldSeconds: 30, holdStartedAt: null, state: 'talking' });
    const expected = [
      ['hold', 0],
      ['resume', 10],
      ['hold', 0],
      ['resume', 30],
      ['hold', 0],
      ['resume', 20],
    ];
    const holdEvents = (listed.events as Record<string, unknown>[]).filter((e) => e.type !== 'call-connected');
    expect(holdEvents.map((e) => [e.type, e.heldFor])).toEqual(expected);
    expect(listed.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ callSid: caller, party: 'caller', mode, by: 'api', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
      ]),
    );

    const delivered = eventsOf(caller);
    expect(delivered.map((r) => [r.body.type, r.body.heldFor])).toEqual(expected);
    expect(delivered.every((r) => r.signed && r.answered === 204)).toBe(true);
    expect(delivered.map((r) => r.body)).toEqual(holdEvents);
    expect(delivered.map((r) => r.id)).toEqual(holdEvents.map((e) => e.id));
    expect(listed.undelivered).toBeUndefined();

    await h.partyHangsUp(caller);
    expect(eventsOf(caller).at(-1)!.body).toMatchObject({
      type: 'call-summary',
      callSid: caller,
      mode,
      holds: 3,
      totalHoldSeconds: 60,
      longestHoldSeconds: 30,
    });
    expect(eventsOf(caller).at(-1)!.signed).toBe(true);
  });

  it('a hang-up while held is an event with the time held', async () => {
    const caller = await talkingCall();
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    await h.advance(42_000);
    await h.partyHangsUp(caller);
    const bodies = eventsOf(caller).map((r) => r.body);
    expect(bodies.map((b) => b.type)).toEqual(['hold', 'hang-up', 'call-summary']);
    expect(bodies[1]).toMatchObject({ party: 'caller', heldFor: 42 });
    expect(bodies[2]).toMatchObject({ holds: 1, totalHoldSeconds: 42 });
  });

  it('retries an event the receiver answered 500 once', async () => {
    const caller = await talkingCall();
    receiver.failNext = 1;
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    const tries = eventsOf(caller);
    expect(tries.map((r) => [r.body.type, r.answered])).toEqual([
      ['hold', 500],
      ['hold', 204],
    ]);
    expect(tries[1].raw).toBe(tries[0].raw);
    // One event, one webhook-id across its deliveries: the receiver's key to deduplicate.
    expect(tries[1].id).toBe(tries[0].id);
    expect(tries[0].id).toBe(tries[0].body.id);
  });

  it("events a receiver that was down missed: kept undelivered, sent at the call's next step with the same ids, and readable since a time", async () => {
    const caller = await talkingCall();
    const since = new Date(Date.now() + 1).toISOString();
    receiver.down = true;
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    await h.advance(10_000);
    // The receiver fetches what it missed: the same events, with their ids, from the record.
    const missed = await fetch(`${h.functions.url}/calls?eventsSince=${encodeURIComponent(since)}`, {
      headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` },
    });
    expect(missed.status).toBe(200);
    const { events } = (await missed.json()) as { events: Record<string, unknown>[] };
    const held = events.filter((e) => e.callSid === caller && e.type === 'hold');
    expect(held).toHaveLength(1);
    receiver.down = false;
    // Earlier steps' undelivered events are sent again once the record is REDELIVER_AFTER_MS old.
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect((await h.control('unhold', { CallSid: caller })).status).toBe(200);
    const delivered = eventsOf(caller);
    expect(delivered.map((r) => r.body.type).sort()).toEqual(['hold', 'resume']);
    expect(delivered.every((r) => r.signed)).toBe(true);
    expect(delivered.find((r) => r.body.type === 'hold')!.id).toBe(held[0].id);
    await h.partyHangsUp(caller);
    // The ended call's events stay readable; GET /calls no longer lists it.
    const after = await fetch(`${h.functions.url}/calls?eventsSince=${encodeURIComponent(since)}`, {
      headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` },
    });
    const types = ((await after.json()) as { events: Record<string, unknown>[] }).events
      .filter((e) => e.callSid === caller)
      .map((e) => e.type);
    expect(types).toEqual(['hold', 'resume', 'call-summary']);
    expect(await listedCall(caller)).toBeUndefined();
  });

  it('a hold and a resume still work, and are recorded, when the receiver is down', async () => {
    const caller = await talkingCall();
    receiver.down = true;
    const hold = await h.control('hold', { CallSid: caller });
    expect(hold.status).toBe(200);
    expect(hold.body.held).toBe(true);
    await h.advance(15_000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    expect((await listedCall(caller))?.state).toBe('on-hold');
    const resume = await h.control('unhold', { CallSid: caller });
    expect(resume.status).toBe(200);
    expect(h.hears(caller)).toMatchObject({ kind: 'party' });
    expect(await listedCall(caller)).toMatchObject({ state: 'talking', holds: 1, totalHoldSeconds: 15 });
    expect(eventsOf(caller)).toEqual([]);
  });

  it('rejects eventsSince that is not an instant', async () => {
    const response = await fetch(`${h.functions.url}/calls?eventsSince=yesterday`, {
      headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` },
    });
    expect(response.status).toBe(400);
  });
});
