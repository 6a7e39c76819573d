// Conformance: docs/twilio-voice-semantics.md, "Conference participants" and "Conferences".
import { DEFAULT_MUSIC_URL } from '../../emulator';
import { AGENT, BUSINESS, CALLER, type Harness, startHarness } from './support/harness';
import { twiml } from './support/webhook-server';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

/** Caller in conference `name` (by TwiML), agent added by REST and answered. */
async function callerAndAgent(name: string, conf = '') {
  const { emu, web, client } = h;
  web.on('/incoming', twiml(`<Dial><Conference ${conf}>${name}</Conference></Dial>`));
  const caller = await emu.placeCall({ from: CALLER, to: BUSINESS });
  await emu.settle();
  const agent = await client.conferences(name).participants.create({ from: BUSINESS, to: AGENT, label: 'agent' });
  await emu.advance(2000);
  const [c] = await client.conferences.list({ friendlyName: name, status: 'in-progress' });
  return { caller, agent: agent.callSid, conferenceSid: c.sid };
}

describe('semantics: participant create by FRIENDLY NAME creates the conference; unknown CF SID is 16003', () => {
  it('creates a conference named by the path and rejects an unknown conference SID', async () => {
    const p = await h.client.conferences('brand-new').participants.create({ from: BUSINESS, to: AGENT });
    const conf = await h.client.conferences(p.conferenceSid).fetch();
    expect(conf.friendlyName).toBe('brand-new');
    await expect(h.client.conferences('CF' + '0'.repeat(32)).participants.create({ from: BUSINESS, to: AGENT })).rejects.toMatchObject({
      code: 16003,
    });
  });
});

describe('semantics: fetch/update/delete by call SID or Label', () => {
  it('finds the participant by label and by call SID', async () => {
    const { conferenceSid, agent } = await callerAndAgent('r1');
    expect((await h.client.conferences(conferenceSid).participants('agent').fetch()).callSid).toBe(agent);
    expect((await h.client.conferences(conferenceSid).participants(agent).fetch()).label).toBe('agent');
  });
});

describe('semantics: Hold=true -> held party hears HoldUrl, others no longer hear it; Hold=false rejoins', () => {
  it('moves the caller to hold music and back', async () => {
    const { caller, agent, conferenceSid } = await callerAndAgent('r2');
    expect(h.emu.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    await h.client
      .conferences(conferenceSid)
      .participants(caller)
      .update({ hold: true, holdUrl: h.web.url('/music.mp3') });
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: h.web.url('/music.mp3') });
    expect(h.emu.hears(agent)).toEqual({ kind: 'silence' });
    await h.client.conferences(conferenceSid).participants(caller).update({ hold: false });
    expect(h.emu.hears(agent)).toEqual({ kind: 'party', callSids: [caller] });
  });
  it('plays default hold music without HoldUrl', async () => {
    const { caller, conferenceSid } = await callerAndAgent('r3');
    await h.client.conferences(conferenceSid).participants(caller).update({ hold: true });
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: DEFAULT_MUSIC_URL });
    await h.emu.advance(10 * 60_000);
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: DEFAULT_MUSIC_URL });
  });
});

describe('semantics: HoldUrl audio is played ONCE, not looped', () => {
  it('goes silent after one play of the mp3', async () => {
    const { caller, conferenceSid } = await callerAndAgent('r4');
    await h.client
      .conferences(conferenceSid)
      .participants(caller)
      .update({ hold: true, holdUrl: h.web.url('/music.mp3') });
    await h.emu.advance(29_000);
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: h.web.url('/music.mp3') });
    await h.emu.advance(2_000);
    expect(h.emu.hears(caller)).toEqual({ kind: 'silence' });
  });
});

describe('semantics: HoldUrl TwiML only Play/Say/Pause/Redirect; other verbs are 13238; HoldMethod default GET', () => {
  it('loops with Play loop=0 and requests with GET', async () => {
    h.web.on('/hold', twiml('<Play loop="0">https://example.test/loop.mp3</Play>'));
    const { caller, conferenceSid } = await callerAndAgent('r5');
    await h.client
      .conferences(conferenceSid)
      .participants(caller)
      .update({ hold: true, holdUrl: h.web.url('/hold') });
    await h.emu.settle();
    expect(h.web.hitsTo('/hold')[0].method).toBe('GET');
    await h.emu.advance(600_000);
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: 'https://example.test/loop.mp3' });
  });
  it('rejects <Dial> in holdUrl TwiML with 13238 and the caller hears silence but stays', async () => {
    h.web.on('/hold', twiml('<Dial>+15550000000</Dial>'));
    const { caller, conferenceSid } = await callerAndAgent('r6');
    await h.client
      .conferences(conferenceSid)
      .participants(caller)
      .update({ hold: true, holdUrl: h.web.url('/hold') });
    await h.emu.settle();
    expect(h.emu.log().some((e) => e.type === 'error' && e.detail?.code === 13238)).toBe(true);
    expect(h.emu.hears(caller)).toEqual({ kind: 'silence' });
    expect(h.emu.call(caller)?.status).toBe('in-progress');
  });
  it('hears silence when holdUrl TwiML runs out without a Redirect', async () => {
    h.web.on('/hold', twiml('<Say>please hold</Say>'));
    const { caller, conferenceSid } = await callerAndAgent('r7');
    await h.client
      .conferences(conferenceSid)
      .participants(caller)
      .update({ hold: true, holdUrl: h.web.url('/hold') });
    await h.emu.settle();
    expect(h.emu.hears(caller)).toEqual({ kind: 'speech', text: 'please hold' });
    await h.emu.advance(5000);
    expect(h.emu.hears(caller)).toEqual({ kind: 'silence' });
  });
});

describe('semantics: EndConferenceOnExit change on a HELD participant is silently ignored', () => {
  it('keeps the old value while held', async () => {
    const { caller, conferenceSid } = await callerAndAgent('r8');
    await h.client.conferences(conferenceSid).participants(caller).update({ hold: true });
    const p = await h.client.conferences(conferenceSid).participants(caller).update({ endConferenceOnExit: true });
    expect(p.endConferenceOnExit).toBe(false);
    const q = await h.client.conferences(conferenceSid).participants(caller).update({ hold: false });
    expect(q.endConferenceOnExit).toBe(false);
    expect((await h.client.conferences(conferenceSid).participants(caller).update({ endConferenceOnExit: true })).endConferenceOnExit).toBe(
      true,
    );
  });
});

describe('semantics: participant list shows live participants only; redirected participant is 404 20404', () => {
  it('drops a participant redirected to new TwiML', async () => {
    h.web.on('/elsewhere', twiml('<Pause length="60"/>'));
    const { caller, agent, conferenceSid } = await callerAndAgent('r9');
    await h.client.calls(caller).update({ url: h.web.url('/elsewhere') });
    await h.emu.settle();
    const list = await h.client.conferences(conferenceSid).participants.list();
    expect(list.map((p) => p.callSid)).toEqual([agent]);
    await expect(h.client.conferences(conferenceSid).participants(caller).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(h.client.conferences(conferenceSid).participants(caller).update({ hold: true })).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });
});

describe('semantics: a conference starts at >= 2 participants with one startConferenceOnEnter; until then waitUrl', () => {
  it('stays init with one participant and is missed by list(Status=in-progress)', async () => {
    h.web.on('/incoming', twiml('<Dial><Conference>lonely</Conference></Dial>'));
    await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    expect(await h.client.conferences.list({ friendlyName: 'lonely', status: 'in-progress' })).toHaveLength(0);
    expect(await h.client.conferences.list({ friendlyName: 'lonely', status: 'init' })).toHaveLength(1);
  });
  it('does not start when nobody has startConferenceOnEnter', async () => {
    h.web.on('/incoming', twiml('<Dial><Conference startConferenceOnEnter="false" waitUrl="">quiet</Conference></Dial>'));
    const caller = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    expect(h.emu.hears(caller)).toEqual({ kind: 'silence' });
    await h.client.conferences('quiet').participants.create({ from: BUSINESS, to: AGENT, startConferenceOnEnter: false });
    await h.emu.advance(2000);
    expect(h.emu.conferences().find((c) => c.friendlyName === 'quiet')?.status).toBe('init');
    expect(h.emu.hears(caller)).toEqual({ kind: 'silence' });
  });
  it('plays waitUrl TwiML until the conference starts', async () => {
    h.web.on('/wait', twiml('<Say>waiting</Say>'));
    const { caller } = await (async () => {
      h.web.on('/incoming', twiml(`<Dial><Conference waitUrl="/wait">w</Conference></Dial>`));
      const c = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
      await h.emu.settle();
      return { caller: c };
    })();
    expect(h.emu.hears(caller)).toEqual({ kind: 'speech', text: 'waiting' });
    await h.client.conferences('w').participants.create({ from: BUSINESS, to: AGENT });
    await h.emu.advance(2000);
    expect(h.emu.hears(caller)?.kind).toBe('party');
  });
});

describe('semantics: endConferenceOnExit ends the conference and everyone goes on', () => {
  it('hangs up the REST participant when the caller with endConferenceOnExit leaves', async () => {
    const { caller, agent, conferenceSid } = await callerAndAgent('r10', 'endConferenceOnExit="true"');
    await h.emu.hangup(caller);
    await h.emu.settle();
    expect((await h.client.conferences(conferenceSid).fetch()).status).toBe('completed');
    expect(h.emu.call(agent)?.status).toBe('completed');
  });
  it('Status=completed ends the conference via the API', async () => {
    const { caller, conferenceSid } = await callerAndAgent('r11');
    const conf = await h.client.conferences(conferenceSid).update({ status: 'completed' });
    expect(conf.status).toBe('completed');
    await h.emu.settle();
    expect(h.emu.call(caller)?.status).toBe('completed');
  });
});

describe('semantics: participantLabel unique; a duplicate is 16025 and the call goes on to the next verb', () => {
  it('runs the next verb for a TwiML duplicate and refuses a REST duplicate', async () => {
    const { web, emu, client } = h;
    web.on('/incoming', twiml('<Dial><Conference participantLabel="customer">dup</Conference></Dial><Say>label taken</Say>'));
    await emu.placeCall({ from: CALLER, to: BUSINESS });
    await emu.settle();
    const second = await emu.placeCall({ from: '+15551239999', to: BUSINESS });
    await emu.settle();
    expect(emu.hears(second)).toEqual({ kind: 'speech', text: 'label taken' });
    expect(emu.log().some((e) => e.detail?.code === 16025)).toBe(true);
    await expect(client.conferences('dup').participants.create({ from: BUSINESS, to: AGENT, label: 'customer' })).rejects.toMatchObject({
      code: 16025,
    });
  });
});

describe('semantics: conference status callbacks: FIRST participant statusCallback only, with the listed parameters', () => {
  it('reports start, join, hold, leave and end to the first participant URL', async () => {
    h.web.on('/conf-events', '');
    h.web.on('/other-events', '');
    const { caller, agent, conferenceSid } = await callerAndAgent(
      'r12',
      `statusCallback="/conf-events" statusCallbackEvent="start end join leave hold"`,
    );
    await h.client.conferences(conferenceSid).participants(caller).update({ hold: true });
    await h.emu.hangup(caller);
    await h.emu.settle();
    expect((await h.client.conferences(conferenceSid).fetch()).status).toBe('in-progress');
    await h.emu.hangup(agent);
    await h.emu.settle();
    const events = h.web.hitsTo('/conf-events').map((x) => x.params.StatusCallbackEvent);
    expect(events).toEqual([
      'participant-join',
      'participant-join',
      'conference-start',
      'participant-hold',
      'participant-leave',
      'participant-leave',
      'conference-end',
    ]);
    const hold = h.web.hitsTo('/conf-events')[3].params;
    expect(hold).toMatchObject({
      ConferenceSid: conferenceSid,
      FriendlyName: 'r12',
      CallSid: caller,
      Hold: 'true',
      Muted: 'false',
      AccountSid: h.emu.accountSid,
    });
    expect(hold.SequenceNumber).toBeDefined();
    expect(hold.Timestamp).toBeDefined();
    const leave = h.web.hitsTo('/conf-events')[4].params;
    expect(leave).toMatchObject({ ReasonParticipantLeft: 'participant_hung_up', ParticipantCallStatus: 'completed' });
    expect(h.web.hitsTo('/conf-events')[6].params).toMatchObject({ ReasonConferenceEnded: 'last-participant-left' });
  });
  it('ignores a later participant statusCallback', async () => {
    h.web.on('/second', '');
    const { emu, client, web } = h;
    web.on('/incoming', twiml('<Dial><Conference>r13</Conference></Dial>'));
    await emu.placeCall({ from: CALLER, to: BUSINESS });
    await emu.settle();
    await client.conferences('r13').participants.create({
      from: BUSINESS,
      to: AGENT,
      conferenceStatusCallback: web.url('/second'),
      conferenceStatusCallbackEvent: ['start', 'join'],
    });
    await emu.advance(2000);
    expect(web.hitsTo('/second')).toHaveLength(0);
  });
});

describe('semantics: participant StatusCallback/StatusCallbackEvent: initiated ringing answered completed', () => {
  it('sends each subscribed call progress event', async () => {
    h.web.on('/pcb', '');
    const p = await h.client.conferences('r14').participants.create({
      from: BUSINESS,
      to: AGENT,
      statusCallback: h.web.url('/pcb'),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    await h.emu.advance(2000);
    await h.emu.hangup(p.callSid);
    await h.emu.settle();
    const hits = h.web.hitsTo('/pcb');
    expect(hits.map((x) => x.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(hits[3].params).toMatchObject({ CallSid: p.callSid, CallbackSource: 'call-progress-events', Direction: 'outbound-api' });
  });
  it('a participant that does not answer is no-answer after Timeout and leaves the list', async () => {
    h.emu.setParty(AGENT, { behavior: 'no-answer' });
    const p = await h.client.conferences('r15').participants.create({ from: BUSINESS, to: AGENT, timeout: 10 });
    await h.emu.advance(14_999);
    expect(h.emu.hears(p.callSid)).toEqual({ kind: 'ringing' });
    await h.emu.advance(1);
    expect(h.emu.call(p.callSid)?.status).toBe('no-answer');
  });
});

// https://www.twilio.com/docs/voice/api/conference-participant-resource, Timeout: "We always add a
// 5-second timeout buffer to outgoing calls, so value of 10 would result in an actual timeout that
// was closer to 15 seconds."
describe("semantics: participant Timeout gets Twilio's 5-second buffer", () => {
  it('rings Timeout + 5 s', async () => {
    h.emu.setParty(AGENT, { behavior: 'no-answer' });
    const p = await h.client.conferences('r16').participants.create({ from: BUSINESS, to: AGENT, timeout: 30 });
    await h.emu.advance(34_999);
    expect(h.emu.call(p.callSid)?.status).toBe('ringing');
    await h.emu.advance(1);
    expect(h.emu.call(p.callSid)?.status).toBe('no-answer');
  });
});
