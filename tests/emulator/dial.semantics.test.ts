// Conformance: docs/twilio-voice-semantics.md, "Calls bridged with <Dial> (the parent/child trap)" and the Call resource.
import { AGENT, BUSINESS, CALLER, type Harness, startHarness } from './support/harness';
import { twiml } from './support/webhook-server';

let h: Harness;
beforeEach(async () => { h = await startHarness(); });
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
    h.web.on('/incoming', (hit) => twiml(`<Dial action="/dial-action" timeout="10">${hit.params.From === '+1' ? '' : hit.params.From === CALLER ? '+15550000001' : '+15550000002'}</Dial>`));
    await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    await h.emu.placeCall({ from: '+15557777777', to: BUSINESS });
    await h.emu.advance(10_000);
    const statuses = h.web.hitsTo('/dial-action').map((x) => [x.params.DialCallStatus, x.params.DialBridged]);
    expect(statuses).toEqual([['busy', 'false'], ['no-answer', 'false']]);
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
    expect((await h.client.calls.list({ from: '+15550001003' }))).toHaveLength(1);
    expect((await h.client.calls.list({ status: 'in-progress', to: BUSINESS }))).toHaveLength(7);
  });
});

describe('semantics (inferred): a <Dial> child that is still ringing cannot be redirected (21220)', () => {
  it('refuses new TwiML for the ringing child and bridges it normally when it answers', async () => {
    h.web.on('/incoming', twiml(`<Dial action="/dial-action"><Number>${AGENT}</Number></Dial>`));
    h.web.on('/new', twiml('<Say>never runs</Say>'));
    const parent = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    const [child] = await h.client.calls.list({ parentCallSid: parent });
    expect(h.emu.hears(parent)).toEqual({ kind: 'ringing' });
    await expect(h.client.calls(child.sid).update({ url: h.web.url('/new') })).rejects.toMatchObject({ status: 400, code: 21220 });
    await h.emu.advance(2000);
    expect(h.emu.hears(parent)).toEqual({ kind: 'party', callSids: [child.sid] });
    expect(h.web.hitsTo('/new')).toHaveLength(0);
  });
});
