// Conference mode end to end: the emulator plays Twilio on a virtual clock, the BUILT functions run
// under the real twilio-run, and everything between them is real HTTP (signed webhooks, REST with
// Basic auth). Every step asserts who hears what, and that no party was disconnected by our own
// doing. One emulator + twilio-run for the whole file (starting one costs ~2 s), a fresh call per test.
// Needs `npm run build` first.
import { AGENT_UNAVAILABLE } from '../../lib/shared/caller-prompts';
import { DEFAULT_RING_TIMEOUT_SECONDS } from '../../lib/shared/settings';
import { PARTICIPANT_TIMEOUT_BUFFER_SEC } from '../../emulator';
import { AGENT_ANSWERS_AFTER_MS, AGENT_NUMBER, HOLD_API_TOKEN, startE2e, type ControlReply, type E2eHarness } from '../../harness/e2e';

let h: E2eHarness;

/** One harness for the enclosing describe block; faults, the agent and leftover calls are reset after each test. */
function useHarness(): void {
  beforeAll(async () => {
    h = await startE2e({ mode: 'conference' });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(async () => {
    h.emu.faults.clear();
    h.emu.setParty(AGENT_NUMBER, { behavior: 'answer', afterMs: AGENT_ANSWERS_AFTER_MS });
    for (const call of h.emu.calls()) {
      if (h.emu.hears(call.sid)) await h.emu.hangup(call.sid);
      await h.emu.settle();
    }
  });
}

interface Call {
  caller: string;
  agent: string;
  /** The conference's CF SID. */
  conference: string;
}

function holdMusic(): { kind: 'music'; url: string } {
  return { kind: 'music', url: `${h.functions.url}/hold-music.mp3` };
}

/**
 * Webhooks the emulator sent after log index `from`, as "METHOD /path (purpose) -> status". The
 * conference status callbacks that keep the call's record (lib/state/) are tested in calls.test.ts.
 */
function webhooksSince(from: number): string[] {
  return h.emu
    .log()
    .slice(from)
    .filter((e) => e.type === 'webhook' && !e.summary.includes('/conference-status'))
    .map((e) => e.summary.replace(h.functions.url, ''));
}

/** REST requests the emulator answered after restLog() index `from`, without the account prefix. */
function restSince(from: number): string[] {
  return h
    .restLog()
    .slice(from)
    .map((entry) => entry.summary.replace(/^(\w+) \/2010-04-01\/Accounts\/AC[0-9a-f]+(\S*) /, '$1 $2 '));
}

/** The caller has dialled in; the agent's phone rings while the caller hears the wait music. */
async function ringingCall(): Promise<Call> {
  const logFrom = h.emu.log().length;
  const caller = await h.placeCall();
  const conference = h.conferenceOf(caller);
  const agent = h.agentOf(caller);
  if (!conference || !agent) throw new Error("the agent was not added to the caller's conference");
  expect(conference.status).toBe('init');
  expect(h.hears(caller)).toEqual(holdMusic());
  expect(h.hears(agent)).toEqual({ kind: 'ringing' });
  // The caller's wait music is our /hold-music TwiML (waitUrl), not Twilio's default playlist.
  expect(webhooksSince(logFrom)).toEqual(['POST /incoming-call (voice) -> 200', 'POST /hold-music (waitUrl) -> 200']);
  return { caller, agent, conference: conference.sid };
}

/** The agent answered: caller and agent hear each other. */
async function connectedCall(): Promise<Call> {
  const call = await ringingCall();
  await h.advance(AGENT_ANSWERS_AFTER_MS);
  expect(h.conferenceOf(call.caller)?.status).toBe('in-progress');
  expectTalking(call);
  return call;
}

function holdFlags({ caller }: Call): Record<string, boolean> {
  const participants = h.conferenceOf(caller)?.participants ?? [];
  return Object.fromEntries(participants.map((p) => [p.label ?? p.callSid, p.hold]));
}

function expectTalking(call: Call): void {
  expect(h.hears(call.caller)).toEqual({ kind: 'party', callSids: [call.agent] });
  expect(h.hears(call.agent)).toEqual({ kind: 'party', callSids: [call.caller] });
  expect(holdFlags(call)).toEqual({ caller: false, agent: false });
  expectNothingDropped(call);
}

/** The caller hears the hold music; the agent, alone in the conference, hears silence. */
function expectCallerHeld(call: Call): void {
  expect(h.hears(call.caller)).toEqual(holdMusic());
  expect(h.hears(call.agent)).toEqual({ kind: 'silence' });
  expect(holdFlags(call)).toEqual({ caller: true, agent: false });
  expectNothingDropped(call);
}

function expectAgentHeld(call: Call): void {
  expect(h.hears(call.agent)).toEqual(holdMusic());
  expect(h.hears(call.caller)).toEqual({ kind: 'silence' });
  expect(holdFlags(call)).toEqual({ caller: false, agent: true });
  expectNothingDropped(call);
}

function expectNothingDropped(call: Call): void {
  expect(h.droppedConferenceCalls([call.caller, call.agent])).toEqual([]);
}

/** Both legs are gone, the conference ended, and nothing of it is left. */
function expectReleased(call: Call): void {
  expect(h.hears(call.caller)).toBe('ended');
  expect(h.hears(call.agent)).toBe('ended');
  expect(h.conferenceOf(call.caller)).toBeUndefined();
  expectNothingDropped(call);
}

/** Hold and unhold, with and without ConferenceSid, all answer 404 and change nothing. */
async function expectAllNotFound(call: Call): Promise<void> {
  const before = h.emu.calls().filter((c) => c.hears).length;
  for (const action of ['hold', 'unhold'] as const) {
    const bodies: Record<string, string>[] = [{ CallSid: call.caller }, { CallSid: call.caller, ConferenceSid: call.conference }];
    for (const body of bodies) {
      expect(await h.control(action, body)).toMatchObject({ status: 404, body: { error: 'not-found' } });
      expect(await h.control(action, { ...body, Participant: 'agent' })).toMatchObject({ status: 404 });
    }
  }
  expect(h.emu.calls().filter((c) => c.hears)).toHaveLength(before);
}

/** A 200 answer: the SIDs learned come back (the agent's leg only when the agent was moved). */
function ok(call: Call, held: boolean, party: 'caller' | 'agent' = 'caller'): ControlReply {
  const agent = party === 'agent' ? { agentCallSid: call.agent } : {};
  // appliedAfter, appliedAt: docs/hold-api.md, "Ordering answers".
  return {
    status: 200,
    body: {
      callSid: call.caller,
      mode: 'conference',
      held,
      appliedAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\.\d{3}Z$/),
      appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\.\d{3}Z$/),
      conferenceSid: call.conference,
      ...agent,
    },
  };
}

/** A raw POST to /hold or /unhold, for what control() does not send (no token, JSON). */
async function post(
  action: 'hold' | 'unhold',
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${h.functions.url}/${action}`, { method: 'POST', headers, body });
  const text = await response.text();
  await h.emu.settle();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, headers: response.headers };
}

describe('conference mode, end to end', () => {
  useHarness();

  describe('connecting the caller to the agent', () => {
    it('the caller hears the wait music (/hold-music) while the agent rings, then they hear each other', async () => {
      const restFrom = h.restLog().length;
      const call = await ringingCall();
      // One REST request: the agent is added to the conference named after the caller's call.
      expect(restSince(restFrom)).toEqual([`POST /Conferences/${call.caller}/Participants.json -> 201`]);
      expect(h.restLog()[restFrom].params).toMatchObject({ To: AGENT_NUMBER, Label: 'agent', EndConferenceOnExit: 'true' });

      await h.advance(AGENT_ANSWERS_AFTER_MS - 1);
      expect(h.hears(call.caller)).toEqual(holdMusic());
      expect(h.hears(call.agent)).toEqual({ kind: 'ringing' });
      await h.advance(1);
      expectTalking(call);
      await h.advance(10 * 60_000);
      expectTalking(call);
    });
  });

  describe('hold and resume', () => {
    it('holds, resumes, holds again and resumes again: music while held (for minutes), each other after', async () => {
      const call = await connectedCall();
      for (let round = 1; round <= 2; round += 1) {
        const webhooksFrom = h.emu.log().length;
        expect(await h.control('hold', { CallSid: call.caller })).toEqual(ok(call, true));
        expectCallerHeld(call);
        // The holdUrl is our looping TwiML, fetched with POST, once per hold.
        expect(webhooksSince(webhooksFrom)).toEqual(['POST /hold-music (holdUrl) -> 200']);
        // <Play loop="0">: the music does not run out (an MP3 holdUrl would play once, then silence).
        await h.advance(5 * 60_000);
        expectCallerHeld(call);

        expect(await h.control('unhold', { CallSid: call.caller })).toEqual(ok(call, false));
        expectTalking(call);
        await h.advance(60_000);
        expectTalking(call);
      }
    });

    it('holds the agent (Participant=agent): the agent hears the music, the caller silence; resume reunites them', async () => {
      const call = await connectedCall();
      expect(await h.control('hold', { CallSid: call.caller, Participant: 'agent' })).toEqual(ok(call, true, 'agent'));
      expectAgentHeld(call);
      await h.advance(3 * 60_000);
      expectAgentHeld(call);
      expect(await h.control('unhold', { CallSid: call.caller, Participant: 'agent' })).toEqual(ok(call, false, 'agent'));
      expectTalking(call);
    });

    it('holds both parties, then resumes them one by one', async () => {
      const call = await connectedCall();
      await h.control('hold', { CallSid: call.caller });
      await h.control('hold', { CallSid: call.caller, Participant: 'agent' });
      expect(h.hears(call.caller)).toEqual(holdMusic());
      expect(h.hears(call.agent)).toEqual(holdMusic());
      expect(holdFlags(call)).toEqual({ caller: true, agent: true });
      await h.control('unhold', { CallSid: call.caller });
      expectAgentHeld(call);
      await h.control('unhold', { CallSid: call.caller, Participant: 'agent' });
      expectTalking(call);
    });

    it("with ConferenceSid, hold and resume of the caller are ONE REST request each; the agent's take a binding read first; without it, a lookup comes first", async () => {
      const call = await connectedCall();
      // The caller is addressed by its CallSid, the agent by its label.
      const participantUpdate = (party: string) =>
        `POST /Conferences/${call.conference}/Participants/${party === 'caller' ? call.caller : party}.json -> 200`;
      // Participant=agent: the given ConferenceSid must hold this caller (docs/security.md).
      const binding = (party: string) =>
        party === 'agent' ? [`GET /Conferences/${call.conference}/Participants/${call.caller}.json -> 200`] : [];
      const lookup = 'GET /Conferences.json -> 200';
      for (const party of ['caller', 'agent'] as const) {
        const withSid = { CallSid: call.caller, ConferenceSid: call.conference, Participant: party };
        let from = h.restLog().length;
        expect(await h.control('hold', withSid)).toEqual(ok(call, true, party));
        expect(restSince(from)).toEqual([...binding(party), participantUpdate(party)]);
        from += binding(party).length;
        expect(h.restLog()[from].params).toEqual({ Hold: 'true', HoldUrl: `${h.functions.url}/hold-music`, HoldMethod: 'POST' });
        if (party === 'caller') expectCallerHeld(call);
        else expectAgentHeld(call);
        from = h.restLog().length;
        expect(await h.control('unhold', withSid)).toEqual(ok(call, false, party));
        expect(restSince(from)).toEqual([...binding(party), participantUpdate(party)]);
        expect(h.restLog()[from + binding(party).length].params).toEqual({ Hold: 'false' });
        expectTalking(call);

        const withoutSid = { CallSid: call.caller, Participant: party };
        from = h.restLog().length;
        expect(await h.control('hold', withoutSid)).toEqual(ok(call, true, party));
        // The lookup asks for the conference by friendly name AND status (names recur over time).
        expect(restSince(from)).toEqual([lookup, participantUpdate(party)]);
        expect(h.restLog()[from].params).toMatchObject({ FriendlyName: call.caller, Status: 'in-progress' });
        from = h.restLog().length;
        expect(await h.control('unhold', withoutSid)).toEqual(ok(call, false, party));
        expect(restSince(from)).toEqual([lookup, participantUpdate(party)]);
        expectTalking(call);
      }
    });

    it('accepts a JSON body as well as form fields', async () => {
      const call = await connectedCall();
      const json = { Authorization: `Bearer ${HOLD_API_TOKEN}`, 'Content-Type': 'application/json' };
      const hold = await post('hold', JSON.stringify({ CallSid: call.caller, ConferenceSid: call.conference }), json);
      expect(hold).toMatchObject({ status: 200, body: { callSid: call.caller, mode: 'conference', held: true } });
      expectCallerHeld(call);
      const resume = await post('unhold', JSON.stringify({ CallSid: call.caller }), json);
      expect(resume).toMatchObject({ status: 200, body: { held: false } });
      expectTalking(call);
    });
  });

  describe('idempotency: holding a held party or resuming a live one is a 200 no-op', () => {
    it.each(['caller', 'agent'] as const)('holding the held %s twice, with and without ConferenceSid, changes nothing', async (party) => {
      const call = await connectedCall();
      const expectHeld = party === 'caller' ? expectCallerHeld : expectAgentHeld;
      await h.control('hold', { CallSid: call.caller, Participant: party });
      expectHeld(call);
      const bodies: Record<string, string>[] = [
        { CallSid: call.caller, Participant: party },
        { CallSid: call.caller, ConferenceSid: call.conference, Participant: party },
      ];
      for (const body of bodies) {
        expect(await h.control('hold', body)).toEqual(ok(call, true, party));
        expectHeld(call);
      }
      expect(await h.control('unhold', { CallSid: call.caller, Participant: party })).toEqual(ok(call, false, party));
      expectTalking(call);
    });

    it.each(['caller', 'agent'] as const)('resuming the live %s, with and without ConferenceSid, changes nothing', async (party) => {
      const call = await connectedCall();
      const bodies: Record<string, string>[] = [
        { CallSid: call.caller, Participant: party },
        { CallSid: call.caller, ConferenceSid: call.conference, Participant: party },
      ];
      for (const body of bodies) {
        expect(await h.control('unhold', body)).toEqual(ok(call, false, party));
        expectTalking(call);
      }
      // And the party can still be held afterwards.
      expect(await h.control('hold', { CallSid: call.caller, Participant: party })).toEqual(ok(call, true, party));
    });

    it('resuming the caller while the agent is held leaves the agent held', async () => {
      const call = await connectedCall();
      await h.control('hold', { CallSid: call.caller, Participant: 'agent' });
      expect(await h.control('unhold', { CallSid: call.caller })).toEqual(ok(call, false));
      expectAgentHeld(call);
    });
  });

  type Stage = 'connected' | 'caller held' | 'agent held' | 'after resume';
  const STAGES: Stage[] = ['connected', 'caller held', 'agent held', 'after resume'];

  async function callAt(stage: Stage): Promise<Call> {
    const call = await connectedCall();
    if (stage === 'caller held' || stage === 'after resume') {
      await h.control('hold', { CallSid: call.caller });
      expectCallerHeld(call);
    }
    if (stage === 'agent held') {
      await h.control('hold', { CallSid: call.caller, Participant: 'agent' });
      expectAgentHeld(call);
    }
    if (stage === 'after resume') {
      await h.control('unhold', { CallSid: call.caller });
      expectTalking(call);
    }
    await h.advance(30_000);
    return call;
  }

  describe('hang-ups: the other party is released, and hold/unhold then answer 404', () => {
    it.each(STAGES.flatMap((stage) => (['caller', 'agent'] as const).map((party) => [party, stage] as const)))(
      'the %s hangs up (%s)',
      async (party, stage) => {
        const call = await callAt(stage);
        const restFrom = h.restLog().length;
        await h.partyHangsUp(call[party]);
        // The conference ends with the party (endConferenceOnExit): the other is released at once.
        expectReleased(call);
        // Twilio did it all; our functions sent no REST request (the agent's status callback is a no-op).
        expect(restSince(restFrom)).toEqual([]);
        await expectAllNotFound(call);
      },
    );

    it("the caller hangs up while the agent rings: the agent's phone stops ringing", async () => {
      const call = await ringingCall();
      await h.partyHangsUp(call.caller);
      expect(h.emu.call(call.agent)?.status).toBe('canceled');
      expectReleased(call);
      // /agent-status hears "canceled" and finds the caller gone: a 200, nothing else happens.
      expect(
        h.emu
          .log()
          .filter((e) => e.type === 'webhook' && e.summary.includes('/agent-status'))
          .at(-1)?.summary,
      ).toMatch(/-> 200$/);
      await expectAllNotFound(call);
      await h.advance(60_000);
      expect(h.emu.calls().filter((c) => c.hears)).toEqual([]);
    });

    it('the agent declines while ringing: the caller hears the apology, then the call ends', async () => {
      const call = await ringingCall();
      await h.partyHangsUp(call.agent);
      expect(h.hears(call.caller)).toEqual({ kind: 'speech', text: AGENT_UNAVAILABLE });
      await h.advance(15_000);
      expectReleased(call);
      await expectAllNotFound(call);
    });

    it('the assertions above can fail: hanging up the agent by REST (what hold must never do) drops both', async () => {
      const call = await connectedCall();
      // Do what a broken hold could do, straight against the emulator's REST API.
      const response = await fetch(`${h.emu.url}/2010-04-01/Accounts/${h.emu.accountSid}/Calls/${call.agent}.json`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${h.emu.accountSid}:${h.emu.authToken}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ Status: 'completed' }).toString(),
      });
      expect(response.status).toBe(200);
      await h.emu.settle();
      expect(h.hears(call.caller)).toBe('ended');
      expect(h.droppedConferenceCalls([call.caller, call.agent]).sort()).toEqual([call.caller, call.agent].sort());
    });
  });

  describe('the agent cannot be reached: the caller hears an apology (via /agent-status), then the call ends', () => {
    it.each([
      ['busy', 1000],
      ['fail', 1000],
      // Twilio adds 5 s to a participant's Timeout (conference-participant-resource docs).
      ['no-answer', (DEFAULT_RING_TIMEOUT_SECONDS + PARTICIPANT_TIMEOUT_BUFFER_SEC) * 1000],
    ] as const)('%s', async (behavior, after) => {
      h.emu.setParty(AGENT_NUMBER, { behavior, afterMs: 1000 });
      const call = await ringingCall();
      await h.advance(after - 1);
      expect(h.hears(call.caller)).toEqual(holdMusic());
      expect(h.hears(call.agent)).toEqual({ kind: 'ringing' });
      const logFrom = h.emu.log().length;
      const restFrom = h.restLog().length;
      await h.advance(1);
      expect(h.hears(call.agent)).toBe('ended');
      expect(h.hears(call.caller)).toEqual({ kind: 'speech', text: AGENT_UNAVAILABLE });
      expect(webhooksSince(logFrom)).toEqual([`POST /agent-status?CallerCallSid=${call.caller} (status callback completed) -> 200`]);
      // One read (the caller still waits alone: its conference has not started), then the apology
      // replaces the caller's TwiML.
      expect(restSince(restFrom)).toEqual(['GET /Conferences.json -> 200', `POST /Calls/${call.caller}.json -> 200`]);
      expect(h.conferenceOf(call.caller)).toBeUndefined();
      // While the apology plays there is no conference to hold the caller in.
      expect((await h.control('hold', { CallSid: call.caller })).status).toBe(404);
      expect(h.hears(call.caller)).toEqual({ kind: 'speech', text: AGENT_UNAVAILABLE });
      await h.advance(15_000);
      expect(h.hears(call.caller)).toBe('ended');
      // The caller's call ended by the <Hangup> after the apology, not by a dropped leg.
      expect(h.droppedConferenceCalls([call.caller])).toEqual([]);
      await expectAllNotFound(call);
    });
  });

  describe('Twilio REST faults', () => {
    const participantUpdate = /\/Participants\/CA[0-9a-f]{32}\.json$/;

    it('a burst of 429s on the participant update is absorbed by the retries: 200, the caller is held', async () => {
      const call = await connectedCall();
      h.emu.faults.add({ target: 'rest', method: 'POST', path: participantUpdate, status: 429, count: 3 });
      const from = h.restLog().length;
      expect(await h.control('hold', { CallSid: call.caller, ConferenceSid: call.conference })).toEqual(ok(call, true));
      const update = `POST /Conferences/${call.conference}/Participants/${call.caller}.json`;
      expect(restSince(from)).toEqual([
        `${update} -> 429 (20429)`,
        `${update} -> 429 (20429)`,
        `${update} -> 429 (20429)`,
        `${update} -> 200`,
      ]);
      expectCallerHeld(call);
    });

    it('a 503 on the conference lookup is retried: 200', async () => {
      const call = await connectedCall();
      h.emu.faults.add({ target: 'rest', method: 'GET', path: /\/Conferences\.json$/, status: 503, count: 1 });
      const from = h.restLog().length;
      expect(await h.control('hold', { CallSid: call.caller })).toEqual(ok(call, true));
      expect(restSince(from)).toEqual([
        'GET /Conferences.json -> 503 (20503)',
        'GET /Conferences.json -> 200',
        `POST /Conferences/${call.conference}/Participants/${call.caller}.json -> 200`,
      ]);
      expectCallerHeld(call);
    });

    it("429s beyond the retry budget: 502 with Twilio's code within the 10 s a Function may run; nothing changes", async () => {
      const call = await connectedCall();
      // The retry budget (8 s) is real time: this is the suite's one slow test.
      h.emu.faults.add({ target: 'rest', method: 'POST', path: participantUpdate, status: 429 });
      const from = h.restLog().length;
      const started = Date.now();
      const reply = await h.control('hold', { CallSid: call.caller, ConferenceSid: call.conference });
      const elapsed = Date.now() - started;
      expect(reply).toMatchObject({
        status: 502,
        body: { error: 'upstream', twilio: { status: 429, code: 20429, moreInfo: 'https://www.twilio.com/docs/errors/20429' } },
      });
      expect(elapsed).toBeLessThan(10_000);
      const attempts = restSince(from);
      expect(attempts.length).toBeGreaterThanOrEqual(3);
      expect(new Set(attempts)).toEqual(new Set([`POST /Conferences/${call.conference}/Participants/${call.caller}.json -> 429 (20429)`]));
      h.emu.faults.clear();
      expectTalking(call);
      // The call is unharmed: a later hold works.
      expect(await h.control('hold', { CallSid: call.caller, ConferenceSid: call.conference })).toEqual(ok(call, true));
      expectCallerHeld(call);
    }, 20_000);

    it("a 500 is not retried: 502 with Twilio's code and message; nothing changes", async () => {
      const call = await connectedCall();
      h.emu.faults.add({ target: 'rest', method: 'POST', path: participantUpdate, status: 500, count: 1 });
      const from = h.restLog().length;
      const reply = await h.control('hold', { CallSid: call.caller, ConferenceSid: call.conference });
      expect(reply).toEqual({
        status: 502,
        body: {
          error: 'upstream',
          message: expect.stringContaining('Injected fault'),
          twilio: { status: 500, code: 20500, message: 'Injected fault', moreInfo: 'https://www.twilio.com/docs/errors/20500' },
        },
      });
      expect(restSince(from)).toEqual([`POST /Conferences/${call.conference}/Participants/${call.caller}.json -> 500 (20500)`]);
      expectTalking(call);
    });

    it('a slow answer (2 s, under the 5 s request timeout) still succeeds', async () => {
      const call = await connectedCall();
      h.emu.faults.add({ target: 'rest', method: 'POST', path: participantUpdate, latencyMs: 2000, count: 1 });
      const started = Date.now();
      expect(await h.control('hold', { CallSid: call.caller, ConferenceSid: call.conference })).toEqual(ok(call, true));
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expectCallerHeld(call);
      expect(await h.control('unhold', { CallSid: call.caller, ConferenceSid: call.conference })).toEqual(ok(call, false));
      expectTalking(call);
    });

    // The agent is added with a 5 s client timeout; when Twilio answers later than that the outcome
    // is unknown: the caller is told "we cannot connect your call", yet Twilio may still place the
    // agent's call. The agent then answers into an empty conference and /agent-alone releases it.
    it('adding the agent times out but Twilio places the call anyway: nobody may be left alone', async () => {
      h.emu.faults.add({ target: 'rest', method: 'POST', path: /\/Participants\.json$/, latencyMs: 5500, count: 1 });
      const caller = await h.placeCall();
      // The REST request is still being answered (real time) after the webhook gave up.
      for (let waited = 0; !h.agentOf(caller) && waited < 3000; waited += 100) {
        await new Promise((done) => setTimeout(done, 100));
        await h.emu.settle();
      }
      const agent = h.agentOf(caller);
      await h.advance(10 * 60_000);
      const callerTalksToAgent =
        agent !== undefined && JSON.stringify(h.hears(caller)) === JSON.stringify({ kind: 'party', callSids: [agent] });
      const leftAlone = h.emu
        .calls()
        .filter((c) => c.hears !== undefined)
        .map((c) => ({ party: c.sid === caller ? 'caller' : 'agent', hears: c.hears }));
      // Either the caller got through to the agent after all, or nobody is left on the line.
      expect(callerTalksToAgent ? [] : leftAlone).toEqual([]);
    }, 20_000);
  });

  describe('the API refuses what it must, and touches nothing', () => {
    const form = (token?: string): Record<string, string> => ({
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
    });

    it.each([
      ['no token', undefined],
      ['a wrong token', 'wrong-token'],
      ['a token that only starts right', `${HOLD_API_TOKEN}x`],
    ])('%s: 401 with WWW-Authenticate', async (_case, token) => {
      const call = await connectedCall();
      const from = h.restLog().length;
      for (const action of ['hold', 'unhold'] as const) {
        const reply = await post(action, new URLSearchParams({ CallSid: call.caller }).toString(), form(token));
        expect(reply).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
      expect(restSince(from)).toEqual([]);
      expectTalking(call);
    });

    it('a wrong Authorization scheme (Basic) is 401', async () => {
      const call = await connectedCall();
      const reply = await post('hold', new URLSearchParams({ CallSid: call.caller }).toString(), {
        ...form(),
        Authorization: `Basic ${Buffer.from(`x:${HOLD_API_TOKEN}`).toString('base64')}`,
      });
      expect(reply.status).toBe(401);
      expectTalking(call);
    });

    it('bad input: 400, and no REST request', async () => {
      const call = await connectedCall();
      const from = h.restLog().length;
      const bad: Record<string, string>[] = [
        {},
        { CallSid: '' },
        { CallSid: 'CA123' },
        { CallSid: call.caller.toUpperCase() },
        { CallSid: call.conference },
        { CallSid: call.caller, ConferenceSid: 'CF123' },
        { CallSid: call.caller, ConferenceSid: call.caller },
        { CallSid: call.caller, Participant: 'boss' },
        { CallSid: call.caller, Participant: 'Caller' },
      ];
      for (const body of bad) {
        for (const action of ['hold', 'unhold'] as const) {
          const reply = await h.control(action, body);
          expect({ body, reply }).toMatchObject({ body, reply: { status: 400, body: { error: 'bad-input' } } });
        }
      }
      expect(restSince(from)).toEqual([]);
      expectTalking(call);
    });

    // The caller is addressed by its own CallSid, so another call's ConferenceSid cannot reach
    // another caller: 404, and both calls are untouched. (For Participant=agent a given
    // ConferenceSid is trusted, as the README says: the agent's leg SID is not in the request.)
    it("a ConferenceSid that is not the call's own conference: 404, and the other call is untouched", async () => {
      const mine = await connectedCall();
      const other = await connectedCall();
      for (const action of ['hold', 'unhold'] as const) {
        expect(await h.control(action, { CallSid: mine.caller, ConferenceSid: other.conference })).toMatchObject({
          status: 404,
          body: { error: 'not-found' },
        });
      }
      expectTalking(mine);
      expectTalking(other);
    });

    it('a call that never existed: 404', async () => {
      const unknown = 'CA' + '9'.repeat(32);
      expect(await h.control('hold', { CallSid: unknown })).toMatchObject({ status: 404, body: { error: 'not-found' } });
      expect(await h.control('unhold', { CallSid: unknown })).toMatchObject({ status: 404 });
    });

    it('while the agent is still ringing, without ConferenceSid: 409, and the caller keeps the wait music', async () => {
      const call = await ringingCall();
      for (const party of ['caller', 'agent']) {
        expect(await h.control('hold', { CallSid: call.caller, Participant: party })).toMatchObject({
          status: 409,
          body: { error: 'conflict' },
        });
        expect(await h.control('unhold', { CallSid: call.caller, Participant: party })).toMatchObject({ status: 409 });
      }
      expect(h.hears(call.caller)).toEqual(holdMusic());
      expect(h.hears(call.agent)).toEqual({ kind: 'ringing' });
      await h.advance(AGENT_ANSWERS_AFTER_MS);
      expectTalking(call);
    });

    // With ConferenceSid nothing is read first (one request, README): a hold given while the agent
    // still rings is applied as asked, and the caller is still held when the agent answers.
    it('while the agent is still ringing, WITH ConferenceSid: the one request is applied as asked', async () => {
      const call = await ringingCall();
      expect(await h.control('hold', { CallSid: call.caller, ConferenceSid: call.conference })).toEqual(ok(call, true));
      await h.advance(AGENT_ANSWERS_AFTER_MS);
      expectCallerHeld(call);
      expect(await h.control('unhold', { CallSid: call.caller, ConferenceSid: call.conference })).toEqual(ok(call, false));
      expectTalking(call);
    });
  });
});
