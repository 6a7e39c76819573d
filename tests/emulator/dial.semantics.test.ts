// Conformance: docs/twilio-voice-semantics.md, "Calls bridged with <Dial> (the parent/child trap)" and the Call resource.
import { AGENT, BUSINESS, CALLER, type Harness, startHarness } from './support/harness';
import { twiml } from './support/webhook-server';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

async function bridged() {
  h.web.on('/incoming', twiml(`<Dial action="/dial-action"><Number>${AGENT}</Number></Dial><Say>after dial</Say>`));
  h.web.on('/dial-action', twiml('<Say>from the action</Say>'));
  h.web.on('/new', twiml('<Say>new twiml</Say><Pause length="100"/>'));
  const parent = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
  await h.emu.advance(2000);
  const [child] = await h.client.calls.list({ parentCallSid: parent });
  expect(h.emu.hears(parent)).toEqual({ kind: 'party', callSids: [child.sid] });
  return { parent, child: child.sid };
}

describe('semantics: the dialled leg is the CHILD with parent_call_sid, found by ParentCallSid', () => {
  it('lists the child by ParentCallSid with direction outbound-dial', async () => {
    const { parent, child } = await bridged();
    const c = await h.client.calls(child).fetch();
    expect(c.parentCallSid).toBe(parent);
    expect(c.direction).toBe('outbound-dial');
    expect(c.from).toBe(CALLER);
  });
});

describe('semantics: Redirect the PARENT -> child hung up ~170 ms later; Dial action still requested (completed) but only the new TwiML runs', () => {
  it('follows the trap exactly', async () => {
    const { parent, child } = await bridged();
    await h.client.calls(parent).update({ url: h.web.url('/new') });
    await h.emu.settle();
    expect(h.emu.hears(parent)).toEqual({ kind: 'speech', text: 'new twiml' });
    expect(h.emu.call(child)?.status).toBe('in-progress');
    await h.emu.advance(169);
    expect(h.emu.call(child)?.status).toBe('in-progress');
    await h.emu.advance(1);
    expect(h.emu.call(child)?.status).toBe('completed');
    const action = h.web.hitsTo('/dial-action');
    expect(action).toHaveLength(1);
    expect(action[0].params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: child, DialBridged: 'true' });
    await h.emu.advance(5000);
    expect(h.emu.hears(parent)).toEqual({ kind: 'silence' });
    expect(h.emu.log().some((e) => e.summary === '<Say>' && e.t > 0 && e.callSid === parent)).toBe(true);
    // "from the action" never plays: only the new TwiML runs.
    expect(h.emu.hears(parent)).not.toEqual({ kind: 'speech', text: 'from the action' });
  });
});

describe('semantics: Redirect the CHILD -> child runs its new TwiML; the parent Dial ends and requests its action', () => {
  it('continues the parent with the action TwiML', async () => {
    const { parent, child } = await bridged();
    await h.client.calls(child).update({ url: h.web.url('/new') });
    await h.emu.settle();
    expect(h.emu.hears(child)).toEqual({ kind: 'speech', text: 'new twiml' });
    expect(h.emu.hears(parent)).toEqual({ kind: 'speech', text: 'from the action' });
    expect(h.web.hitsTo('/dial-action')[0].params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: child, DialBridged: 'true' });
  });
  it('goes on with the next verb without an action, and hangs up with none', async () => {
    h.web.on('/incoming', twiml(`<Dial>${AGENT}</Dial><Say>next verb</Say>`));
    h.web.on('/new', twiml('<Pause length="100"/>'));
    const parent = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.advance(2000);
    const [child] = await h.client.calls.list({ parentCallSid: parent });
    await h.client.calls(child.sid).update({ url: h.web.url('/new') });
    await h.emu.settle();
    expect(h.emu.hears(parent)).toEqual({ kind: 'speech', text: 'next verb' });
    await h.emu.advance(2000);
    expect(h.emu.call(parent)?.status).toBe('completed');
  });
});

describe('semantics: Dial action parameters DialCallStatus, DialCallSid, DialCallDuration, DialBridged', () => {
  it('reports busy, no-answer and the bridged duration', async () => {
    h.web.on('/dial-action', twiml('<Hangup/>'));
    h.emu.setParty('+15550000001', { behavior: 'busy' });
    h.emu.setParty('+15550000002', { behavior: 'no-answer' });
    h.web.on('/incoming', (hit) =>
      twiml(
        `<Dial action="/dial-action" timeout="10">${hit.params.From === '+1' ? '' : hit.params.From === CALLER ? '+15550000001' : '+15550000002'}</Dial>`,
      ),
    );
    await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    await h.emu.placeCall({ from: '+15557777777', to: BUSINESS });
    await h.emu.advance(10_000);
    const statuses = h.web.hitsTo('/dial-action').map((x) => [x.params.DialCallStatus, x.params.DialBridged]);
    expect(statuses).toEqual([
      ['busy', 'false'],
      ['no-answer', 'false'],
    ]);
  });
  it('reports DialCallDuration in seconds', async () => {
    const { child } = await bridged();
    await h.emu.advance(42_000);
    await h.emu.hangup(child);
    await h.emu.settle();
    expect(h.web.hitsTo('/dial-action')[0].params.DialCallDuration).toBe('42');
  });
});

describe('semantics: Call update: finished call redirect is 400 21220; hang up finished call is 21220; canceled only queued/ringing', () => {
  it('refuses to redirect or hang up a completed call', async () => {
    h.web.on('/incoming', twiml('<Hangup/>'));
    const sid = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    await expect(h.client.calls(sid).update({ url: h.web.url('/x') })).rejects.toMatchObject({ status: 400, code: 21220 });
    await expect(h.client.calls(sid).update({ status: 'completed' })).rejects.toMatchObject({ status: 400, code: 21220 });
  });
  it('cancels a ringing outbound call and ignores cancel on an in-progress call', async () => {
    h.emu.setParty(AGENT, { behavior: 'no-answer' });
    const ringing = await h.client.calls.create({ from: BUSINESS, to: AGENT, twiml: '<Response><Pause length="60"/></Response>' });
    await h.emu.settle();
    expect((await h.client.calls(ringing.sid).update({ status: 'canceled' })).status).toBe('canceled');
    h.web.on('/incoming', twiml('<Pause length="60"/>'));
    const live = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    expect((await h.client.calls(live).update({ status: 'canceled' })).status).toBe('in-progress');
    expect((await h.client.calls(live).update({ status: 'completed' })).status).toBe('completed');
  });
});

describe('semantics: Call status values and outbound POST /Calls paced at 1 per second', () => {
  it('queues the second call of the same second', async () => {
    await h.close();
    h = await startHarness({ callsPerSecond: 1 });
    const a = await h.client.calls.create({ from: BUSINESS, to: AGENT, twiml: '<Response><Pause/></Response>' });
    const b = await h.client.calls.create({ from: BUSINESS, to: AGENT, twiml: '<Response><Pause/></Response>' });
    expect(a.status).toBe('ringing');
    expect(b.status).toBe('queued');
    await h.emu.advance(1000);
    expect(h.emu.call(b.sid)?.status).toBe('ringing');
  });
});

describe('semantics: Calls list filters and paging', () => {
  it('pages through calls with the SDK and filters by To/From/Status', async () => {
    h.web.on('/incoming', twiml('<Pause length="600"/>'));
    for (let i = 0; i < 7; i++) await h.emu.placeCall({ from: `+1555000100${i}`, to: BUSINESS });
    await h.emu.settle();
    const all = await h.client.calls.list({ pageSize: 3 });
    expect(all).toHaveLength(7);
    const page = await h.client.calls.page({ pageSize: 3 });
    expect(page.instances).toHaveLength(3);
    expect(await h.client.calls.list({ from: '+15550001003' })).toHaveLength(1);
    expect(await h.client.calls.list({ status: 'in-progress', to: BUSINESS })).toHaveLength(7);
  });
});

// "Note that any call which is currently ringing within a <Dial> verb is in-progress from the point
// of view of Twilio, and thus you must use 'Status=completed' to cancel it."
// (https://www.twilio.com/docs/api/rest/change-call-state)
describe('semantics: a <Dial> child that is still ringing is in-progress to Twilio: it accepts new TwiML; Status=canceled does not touch it', () => {
  async function ringingChild() {
    h.web.on('/incoming', twiml(`<Dial action="/dial-action"><Number>${AGENT}</Number></Dial>`));
    h.web.on('/dial-action', twiml('<Say>from the action</Say><Pause length="100"/>'));
    h.web.on('/new', twiml('<Say>new twiml</Say><Pause length="100"/>'));
    const parent = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    const [child] = await h.client.calls.list({ parentCallSid: parent });
    expect(h.emu.hears(parent)).toEqual({ kind: 'ringing' });
    return { parent, child: child.sid };
  }

  it('accepts the redirect (200); the leg leaves the Dial and runs the new TwiML once answered (inferred: the parent Dial ends as no-answer at once)', async () => {
    const { parent, child } = await ringingChild();
    const updated = await h.client.calls(child).update({ url: h.web.url('/new') });
    expect(updated.status).toBe('ringing');
    await h.emu.settle();
    expect(h.web.hitsTo('/dial-action')[0].params).toMatchObject({ DialCallStatus: 'no-answer', DialCallSid: child, DialBridged: 'false' });
    expect(h.emu.hears(parent)).toEqual({ kind: 'speech', text: 'from the action' });
    expect(h.web.hitsTo('/new')).toHaveLength(0);
    await h.emu.advance(2000);
    expect(h.emu.call(child)?.status).toBe('in-progress');
    expect(h.emu.hears(child)).toEqual({ kind: 'speech', text: 'new twiml' });
    // The answered leg is a call of its own: nobody bridges it to the parent.
    expect(h.emu.call(parent)?.status).toBe('in-progress');
    expect(h.emu.hears(parent)).not.toEqual({ kind: 'party', callSids: [child] });
  });
  it('with several legs ringing, only the redirected one leaves: the Dial goes on with the others', async () => {
    const other = '+15550100002';
    h.web.on('/incoming', twiml(`<Dial action="/dial-action"><Number>${AGENT}</Number><Number>${other}</Number></Dial>`));
    h.web.on('/dial-action', twiml('<Hangup/>'));
    h.web.on('/new', twiml('<Pause length="100"/>'));
    h.emu.setParty(other, { behavior: 'answer', afterMs: 3000 });
    const parent = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    const legs = await h.client.calls.list({ parentCallSid: parent });
    const agentLeg = legs.find((c) => c.to === AGENT)!.sid;
    const otherLeg = legs.find((c) => c.to === other)!.sid;
    await h.client.calls(agentLeg).update({ url: h.web.url('/new') });
    await h.emu.settle();
    expect(h.web.hitsTo('/dial-action')).toHaveLength(0);
    await h.emu.advance(2000);
    // The redirected leg answered on its own; the Dial still waits for the other.
    expect(h.emu.call(agentLeg)?.status).toBe('in-progress');
    expect(h.emu.hears(parent)).toEqual({ kind: 'ringing' });
    await h.emu.advance(1000);
    expect(h.emu.hears(parent)).toEqual({ kind: 'party', callSids: [otherLeg] });
    expect(h.emu.hears(agentLeg)).toEqual({ kind: 'silence' });
  });
  it('ignores Status=canceled and hangs the leg up on Status=completed (the Dial reports canceled)', async () => {
    const { child } = await ringingChild();
    expect((await h.client.calls(child).update({ status: 'canceled' })).status).toBe('ringing');
    await h.client.calls(child).update({ status: 'completed' });
    await h.emu.settle();
    expect(h.emu.call(child)?.status).toBe('canceled');
    expect(h.web.hitsTo('/dial-action')[0].params).toMatchObject({ DialCallStatus: 'canceled', DialCallSid: child });
  });
});

// https://www.twilio.com/docs/voice/twiml/dial#action: DialCallSid "The call sid of the new call
// leg" (not only when it answered); DialCallDuration "is not sent ... if a Child call is
// redirected to a new TwiML URL before being disconnected".
describe('semantics: DialCallSid names the dialled leg whatever its outcome; no DialCallDuration after a child redirect', () => {
  it('sends DialCallSid for busy and no-answer legs', async () => {
    h.web.on('/dial-action', twiml('<Hangup/>'));
    h.emu.setParty(AGENT, { behavior: 'busy' });
    h.web.on('/incoming', twiml(`<Dial action="/dial-action" timeout="10">${AGENT}</Dial>`));
    const parent = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.advance(10_000);
    const [child] = await h.client.calls.list({ parentCallSid: parent });
    expect(h.web.hitsTo('/dial-action')[0].params).toMatchObject({ DialCallStatus: 'busy', DialCallSid: child.sid, DialBridged: 'false' });
    expect(h.web.hitsTo('/dial-action')[0].params.DialCallDuration).toBeUndefined();
  });
  it('omits DialCallDuration when the bridged child is redirected, keeps it when the child hangs up', async () => {
    const { child } = await bridged();
    await h.emu.advance(5000);
    await h.client.calls(child).update({ url: h.web.url('/new') });
    await h.emu.settle();
    const [action] = h.web.hitsTo('/dial-action');
    expect(action.params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: child, DialBridged: 'true' });
    expect(action.params.DialCallDuration).toBeUndefined();
  });
});
