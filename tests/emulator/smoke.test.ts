import { DEFAULT_MUSIC_URL } from '../../emulator';
import { AGENT, BUSINESS, CALLER, type Harness, startHarness } from './support/harness';
import { twiml } from './support/webhook-server';

describe('smoke: conference hold and resume end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('places a call, adds the agent by REST, holds and resumes the caller', async () => {
    const { emu, web, client } = h;
    web.on('/incoming', twiml('<Dial><Conference>room-1</Conference></Dial>'));
    const caller = await emu.placeCall({ from: CALLER, to: BUSINESS });
    await emu.settle();
    expect(emu.hears(caller)).toEqual({ kind: 'music', url: DEFAULT_MUSIC_URL });
    const p = await client.conferences('room-1').participants.create({ from: BUSINESS, to: AGENT, label: 'agent' });
    expect(p.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    await emu.advance(2000);
    expect(emu.hears(caller)).toEqual({ kind: 'party', callSids: [p.callSid] });
    const [conf] = await client.conferences.list({ friendlyName: 'room-1', status: 'in-progress' });
    expect(conf.status).toBe('in-progress');
    const held = await client
      .conferences(conf.sid)
      .participants(caller)
      .update({ hold: true, holdUrl: web.url('/hold.mp3') });
    expect(held.hold).toBe(true);
    expect(emu.hears(caller)).toEqual({ kind: 'music', url: web.url('/hold.mp3') });
    expect(emu.hears(p.callSid)).toEqual({ kind: 'silence' });
    await client.conferences(conf.sid).participants('agent').fetch();
    await client.conferences(conf.sid).participants(caller).update({ hold: false });
    expect(emu.hears(caller)).toEqual({ kind: 'party', callSids: [p.callSid] });
  });
});

describe('smoke: dial bridge', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('bridges the caller with the dialled agent', async () => {
    const { emu, web, client } = h;
    web.on('/incoming', twiml(`<Dial action="/dial-done"><Number>${AGENT}</Number></Dial>`));
    web.on('/dial-done', twiml('<Say>bye</Say>'));
    const caller = await emu.placeCall({ from: CALLER, to: BUSINESS });
    await emu.settle();
    expect(emu.hears(caller)).toEqual({ kind: 'ringing' });
    await emu.advance(2000);
    const [child] = await client.calls.list({ parentCallSid: caller });
    expect(emu.hears(caller)).toEqual({ kind: 'party', callSids: [child.sid] });
    expect(emu.hears(child.sid)).toEqual({ kind: 'party', callSids: [caller] });
    await emu.hangup(child.sid);
    await emu.settle();
    expect(web.hitsTo('/dial-done')[0].params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: child.sid, DialBridged: 'true' });
    expect(emu.hears(caller)).toEqual({ kind: 'speech', text: 'bye' });
  });
});
