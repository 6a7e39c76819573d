// The emulator's screening agents and <Number url> (docs/emulator-api.md, "Agents that screen
// calls"): a person answers and presses a key at a <Gather>, a voicemail answers and never presses,
// and the answered leg of <Dial><Number url> runs that TwiML before the bridge.
import { PRESS_AFTER_MS } from '../../emulator/engine/parties';
import { AGENT, BUSINESS, CALLER, type Harness, startHarness } from './support/harness';
import { twiml } from './support/webhook-server';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const SCREEN = '<Gather numDigits="1" finishOnKey="" timeout="5" action="/accept"><Say>press a key</Say></Gather><Hangup/>';

async function dialScreened(): Promise<{ parent: string; child: () => string }> {
  h.web.on(
    '/incoming',
    twiml('<Dial action="/dial-action"><Number url="/screen">' + AGENT + '</Number></Dial><Say>after dial</Say><Pause length="60"/>'),
  );
  h.web.on('/screen', twiml(SCREEN));
  h.web.on('/accept', twiml(''));
  h.web.on('/dial-action', twiml('<Say>from the action</Say><Pause length="60"/>'));
  const parent = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
  await h.emu.settle();
  return { parent, child: () => h.emu.calls().find((c) => c.parentCallSid === parent)!.sid };
}

describe('<Dial><Number url>: screening before the bridge', () => {
  it('a person presses the key during the prompt: the action gets Digits, and the legs are bridged when the document runs out', async () => {
    const { parent, child } = await dialScreened();
    await h.emu.advance(2000);
    expect(h.emu.hears(child())).toEqual({ kind: 'speech', text: 'press a key' });
    expect(h.emu.hears(parent)).toEqual({ kind: 'ringing' });
    expect(h.web.hitsTo('/screen')[0].params).toMatchObject({ CallSid: child(), ParentCallSid: parent });
    await h.emu.advance(PRESS_AFTER_MS);
    expect(h.web.hitsTo('/accept')[0].params).toMatchObject({ Digits: '1', CallSid: child() });
    expect(h.emu.hears(parent)).toEqual({ kind: 'party', callSids: [child()] });
  });

  it("a voicemail never presses: the leg hangs up, the caller's Dial ends unbridged and its action is requested", async () => {
    h.emu.setParty(AGENT, { behavior: 'voicemail', afterMs: 2000 });
    const { parent, child } = await dialScreened();
    await h.emu.advance(2000 + 1000 + 5000 + 500);
    expect(h.web.hitsTo('/accept')).toHaveLength(0);
    expect(h.emu.call(child())?.status).toBe('completed');
    expect(h.web.hitsTo('/dial-action')[0].params).toMatchObject({
      DialCallStatus: 'completed',
      DialBridged: 'false',
      DialCallSid: child(),
    });
    expect(h.emu.hears(parent)).toEqual({ kind: 'speech', text: 'from the action' });
  });

  it('a screening URL that fails: the leg hears the application error and ends; the caller goes on', async () => {
    h.web.on('/incoming', twiml('<Dial><Number url="/missing">' + AGENT + '</Number></Dial><Say>after dial</Say><Pause length="60"/>'));
    const parent = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.advance(2000);
    const child = h.emu.calls().find((c) => c.parentCallSid === parent)!.sid;
    expect(h.emu.hears(parent)).toEqual({ kind: 'speech', text: 'after dial' });
    expect(h.emu.log().some((e) => e.type === 'error' && e.callSid === child)).toBe(true);
    expect(h.emu.log().some((e) => e.type === 'error' && e.callSid === parent)).toBe(false);
    await h.emu.advance(10_000);
    expect(h.emu.call(child)?.status).toBe('completed');
  });

  it('a <Dial> in the screening TwiML is error 13201', async () => {
    h.web.on('/incoming', twiml('<Dial><Number url="/bad">' + AGENT + '</Number></Dial><Pause length="60"/>'));
    h.web.on('/bad', twiml('<Dial>+15550100009</Dial>'));
    const parent = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.advance(2000);
    const child = h.emu.calls().find((c) => c.parentCallSid === parent)!.sid;
    expect(h.emu.log().find((e) => e.type === 'error' && e.callSid === child)?.detail).toMatchObject({ code: 13201 });
  });
});

describe("<Gather> and the party's keys", () => {
  it('an outbound API call answered by a person: its keys reach the action; presses "" never presses', async () => {
    h.web.on('/accept', twiml('<Say>accepted</Say><Pause length="60"/>'));
    const gather = `<Response>${SCREEN.replace('/accept', h.web.url('/accept'))}</Response>`;
    const pressed = await h.client.calls.create({ to: AGENT, from: BUSINESS, twiml: gather });
    await h.emu.advance(2000 + PRESS_AFTER_MS);
    expect(h.emu.hears(pressed.sid)).toEqual({ kind: 'speech', text: 'accepted' });

    h.emu.setParty(AGENT, { behavior: 'answer', afterMs: 2000, presses: '' });
    const silent = await h.client.calls.create({ to: AGENT, from: BUSINESS, twiml: gather });
    await h.emu.advance(1000 + 2000 + 1000 + 5000);
    expect(h.emu.call(silent.sid)?.status).toBe('completed');
    expect(h.web.hitsTo('/accept')).toHaveLength(1);
  });

  it('numDigits and finishOnKey cut the keys', async () => {
    h.web.on('/accept', twiml('<Pause length="60"/>'));
    h.emu.setParty(AGENT, { behavior: 'answer', afterMs: 2000, presses: '12#3' });
    const doc = (attrs: string) => `<Response><Gather ${attrs} action="${h.web.url('/accept')}"><Say>keys</Say></Gather></Response>`;
    await h.client.calls.create({ to: AGENT, from: BUSINESS, twiml: doc('numDigits="1"') });
    await h.client.calls.create({ to: AGENT, from: BUSINESS, twiml: doc('') });
    await h.emu.advance(4000 + PRESS_AFTER_MS);
    expect(
      h.web
        .hitsTo('/accept')
        .map((hit) => hit.params.Digits)
        .sort(),
    ).toEqual(['1', '12']);
  });

  it('the inbound caller presses nothing: its Gather times out', async () => {
    h.web.on('/incoming', twiml('<Gather timeout="3" action="/accept"><Say>press</Say></Gather><Say>no input</Say><Pause length="60"/>'));
    const sid = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.advance(4500);
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: 'no input' });
  });
});
