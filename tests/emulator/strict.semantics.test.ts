// The emulator is as strict as Twilio's documented limits, and plays what Twilio plays
// (docs/twilio-voice-semantics.md, "The rules table": inline-twiml-limit, api-calls-paced,
// participant-announcement).
import { AGENT, BUSINESS, CALLER, type Harness, startHarness } from './support/harness';
import { twiml } from './support/webhook-server';

let h: Harness;
afterEach(() => h.close());

/** A TwiML document of exactly `length` characters: a <Say> of many words (minutes of speech). */
function twimlOfLength(length: number): string {
  const head = '<Response><Say>Hold on.';
  const tail = '</Say><Pause length="20"/></Response>';
  const pad = length - head.length - tail.length;
  return head + ' a'.repeat(Math.floor(pad / 2)) + ' '.repeat(pad % 2) + tail;
}

describe('semantics: inline TwiML is at most 4,000 characters (32018)', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  it("refuses a 4,001-character Twiml on create and on update, with Twilio's error body, and moves nothing", async () => {
    await expect(h.client.calls.create({ from: BUSINESS, to: AGENT, twiml: twimlOfLength(4001) })).rejects.toMatchObject({
      status: 400,
      code: 32018,
      moreInfo: 'https://www.twilio.com/docs/errors/32018',
    });
    expect(h.emu.calls()).toEqual([]);
    const call = await h.client.calls.create({ from: BUSINESS, to: AGENT, twiml: twimlOfLength(4000) });
    await h.emu.advance(3000);
    await expect(h.client.calls(call.sid).update({ twiml: twimlOfLength(4001) })).rejects.toMatchObject({ status: 400, code: 32018 });
    expect(h.emu.hears(call.sid)).toEqual({ kind: 'speech', text: expect.stringMatching(/^Hold on\./) });
    await h.client.calls(call.sid).update({ twiml: '<Response><Pause length="5"/></Response>' });
    expect(h.emu.hears(call.sid)).toEqual({ kind: 'silence' });
  });

  it('counts characters, not bytes: 4,000 non-ASCII characters pass', async () => {
    const head = '<Response><Say>';
    const tail = '</Say></Response>';
    const doc = head + 'é'.repeat(4000 - head.length - tail.length) + tail;
    expect(Buffer.byteLength(doc)).toBeGreaterThan(4000);
    await expect(h.client.calls.create({ from: BUSINESS, to: AGENT, twiml: doc })).resolves.toMatchObject({
      sid: expect.stringMatching(/^CA/),
    });
  });
});

describe('semantics: calls created by POST /Calls and POST /Participants are paced at the CPS (1/s by default), queued, never refused', () => {
  beforeEach(async () => {
    h = await startHarness({ callsPerSecond: 1 });
  });

  it('accepts participants faster than 1/s; each waits in queued for its slot, and says how long in queue_time', async () => {
    const add = (label: string) => h.client.conferences('paced').participants.create({ from: BUSINESS, to: AGENT, label });
    const first = await add('a');
    const second = await add('b');
    const third = await add('c');
    expect([first.queueTime, second.queueTime, third.queueTime]).toEqual(['0', '1000', '2000']);
    const statuses = async () => Promise.all([first, second, third].map(async (p) => (await h.client.calls(p.callSid).fetch()).status));
    expect(await statuses()).toEqual(['ringing', 'queued', 'queued']);
    await h.emu.advance(1000);
    expect(await statuses()).toEqual(['ringing', 'ringing', 'queued']);
  });

  it('shares one pace between /Calls and /Participants; inbound calls are not paced', async () => {
    const call = await h.client.calls.create({ from: BUSINESS, to: AGENT, twiml: '<Response><Pause length="30"/></Response>' });
    const p = await h.client.conferences('paced').participants.create({ from: BUSINESS, to: AGENT });
    expect([call.queueTime, p.queueTime]).toEqual(['0', '1000']);
    h.web.on('/incoming', twiml('<Pause length="30"/>'));
    const inbound = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    expect((await h.client.calls(inbound).fetch()).status).toBe('in-progress');
  });

  it('callsPerSecond: 0 paces nothing (the harness of many independent callers)', async () => {
    await h.close();
    h = await startHarness({ callsPerSecond: 0 });
    const times = [];
    for (let i = 0; i < 3; i++) times.push((await h.client.calls.create({ from: BUSINESS, to: AGENT, twiml: '<Response/>' })).queueTime);
    expect(times).toEqual(['0', '0', '0']);
  });
});

describe('semantics: a participant announcement (AnnounceUrl) plays to that participant only, then it hears what it heard before', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  async function callerAndAgent(name: string) {
    h.web.on(
      '/incoming',
      twiml(
        `<Dial><Conference statusCallback="${h.web.url('/conf-status')}" statusCallbackEvent="announcement">${name}</Conference></Dial>`,
      ),
    );
    h.web.on('/conf-status', twiml(''));
    const caller = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    const agent = await h.client.conferences(name).participants.create({ from: BUSINESS, to: AGENT, label: 'agent' });
    await h.emu.advance(2000);
    const [c] = await h.client.conferences.list({ friendlyName: name, status: 'in-progress' });
    return { caller, agent: agent.callSid, conferenceSid: c.sid };
  }

  it('the agent hears the warning while the held caller keeps its music; announcement-end is reported', async () => {
    const { caller, agent, conferenceSid } = await callerAndAgent('ann1');
    await h.client
      .conferences(conferenceSid)
      .participants(caller)
      .update({ hold: true, holdUrl: h.web.url('/music.mp3') });
    h.web.on('/warning', twiml('<Say>Your caller has been on hold for ten minutes.</Say>'));
    await h.client
      .conferences(conferenceSid)
      .participants('agent')
      .update({ announceUrl: h.web.url('/warning'), announceMethod: 'POST' });
    await h.emu.settle();
    expect(h.emu.hears(agent)).toEqual({ kind: 'speech', text: 'Your caller has been on hold for ten minutes.' });
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: h.web.url('/music.mp3') });
    expect(h.web.hitsTo('/warning')[0]).toMatchObject({
      method: 'POST',
      params: expect.objectContaining({ CallSid: agent, ConferenceSid: conferenceSid }),
    });
    await h.emu.advance(10_000);
    expect(h.emu.hears(agent)).toEqual({ kind: 'silence' });
    expect(h.web.hitsTo('/conf-status').map((x) => x.params.StatusCallbackEvent)).toContain('announcement-end');
  });

  it('plays over the conference and gives it back; an audio URL plays once', async () => {
    const { caller, agent, conferenceSid } = await callerAndAgent('ann2');
    await h.client
      .conferences(conferenceSid)
      .participants(caller)
      .update({ announceUrl: h.web.url('/chime.mp3') });
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: h.web.url('/chime.mp3') });
    expect(h.emu.hears(agent)).toEqual({ kind: 'party', callSids: [caller] });
    await h.emu.advance(31_000);
    expect(h.emu.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
  });

  it('a verb other than Play, Say, Pause, Redirect is refused (13238) and the participant goes on hearing the conference', async () => {
    const { caller, agent, conferenceSid } = await callerAndAgent('ann3');
    h.web.on('/bad', twiml('<Dial>+15550100009</Dial>'));
    await h.client
      .conferences(conferenceSid)
      .participants(caller)
      .update({ announceUrl: h.web.url('/bad') });
    await h.emu.settle();
    expect(h.emu.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    expect(h.web.hitsTo('/conf-status').map((x) => x.params.StatusCallbackEvent)).toContain('announcement-fail');
    expect(
      h.emu
        .log()
        .filter((e) => e.type === 'error')
        .map((e) => e.detail?.code),
    ).toContain(13238);
  });
});
