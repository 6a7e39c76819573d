// Conformance: docs/twilio-voice-semantics.md, "Queues".
import { DEFAULT_MUSIC_URL } from '../../emulator';
import { AGENT, BUSINESS, CALLER, type Harness, startHarness } from './support/harness';
import { twiml } from './support/webhook-server';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

async function enqueueCaller(extra = 'waitUrl="/wait" action="/enq-action"', queue = 'hold-q') {
  h.web.on('/incoming', twiml(`<Enqueue ${extra}>${queue}</Enqueue><Say>after enqueue</Say>`));
  h.web.on('/wait', twiml('<Play>https://example.test/wait.mp3</Play>'));
  h.web.on('/enq-action', twiml('<Say>enqueue action</Say>'));
  const caller = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
  await h.emu.settle();
  return caller;
}

/** An agent call (outbound via REST) that runs <Dial><Queue>. */
async function agentDials(queue = 'hold-q', attrs = 'action="/dial-action"', queueAttrs = '') {
  h.web.on('/dial-action', twiml('<Say>agent after dial</Say>'));
  // Inline TwiML has no document URL to resolve relative URLs against: make them absolute.
  const abs = (s: string) => s.replace(/"\/([^"]*)"/g, `"${h.web.base}/$1"`);
  const agent = await h.client.calls.create({
    from: BUSINESS,
    to: AGENT,
    twiml: `<Response><Dial ${abs(attrs)}><Queue ${abs(queueAttrs)}>${queue}</Queue></Dial></Response>`,
  });
  await h.emu.advance(2000);
  return agent.sid;
}

describe('semantics: <Enqueue> creates the queue on demand; waitUrl re-requested each time its TwiML runs out, with queue parameters, POST by default', () => {
  it('loops the waitUrl', async () => {
    const caller = await enqueueCaller();
    const [q] = await h.client.queues.list();
    expect(q.friendlyName).toBe('hold-q');
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: 'https://example.test/wait.mp3' });
    await h.emu.advance(30_000);
    await h.emu.advance(30_000);
    const waits = h.web.hitsTo('/wait');
    expect(waits).toHaveLength(3);
    expect(waits[0].method).toBe('POST');
    expect(waits[2].params).toMatchObject({
      QueuePosition: '1',
      QueueSid: q.sid,
      QueueTime: '60',
      CurrentQueueSize: '1',
      MaxQueueSize: '1000',
      AvgQueueTime: '0',
    });
  });
  it('plays default music without waitUrl, and refuses names over 64 characters', async () => {
    const caller = await enqueueCaller('');
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: DEFAULT_MUSIC_URL });
    h.web.on('/incoming', twiml(`<Enqueue>${'x'.repeat(65)}</Enqueue>`));
    const other = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    expect(h.emu.hears(other)).toEqual({ kind: 'speech', text: 'We are sorry, an application error has occurred. Goodbye.' });
  });
});

describe('semantics: a waitUrl that cannot be fetched is requested again 10 s later, silence meanwhile (inferred)', () => {
  it('retries the failed waitUrl until it answers, and the member stays in the queue', async () => {
    let failing = true;
    h.web.on('/incoming', twiml('<Enqueue waitUrl="/wait">retry-q</Enqueue>'));
    h.web.on('/wait', () => (failing ? { status: 500 } : '<Response><Play>https://example.test/wait.mp3</Play></Response>'));
    const caller = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    expect(h.emu.hears(caller)).toEqual({ kind: 'silence' });
    expect(h.web.hitsTo('/wait')).toHaveLength(1);
    await h.emu.advance(9_000);
    expect(h.web.hitsTo('/wait')).toHaveLength(1);
    await h.emu.advance(1_000);
    expect(h.web.hitsTo('/wait')).toHaveLength(2);
    failing = false;
    await h.emu.advance(10_000);
    expect(h.web.hitsTo('/wait')).toHaveLength(3);
    expect(h.emu.hears(caller)).toEqual({ kind: 'music', url: 'https://example.test/wait.mp3' });
  });
});

describe('semantics: Enqueue action requested at once on <Leave> with QueueResult=leave', () => {
  it('leaves the queue from waitUrl TwiML', async () => {
    h.web.on('/wait', twiml('<Say>leaving</Say><Leave/>'));
    h.web.on('/incoming', twiml('<Enqueue waitUrl="/wait" action="/enq-action">q2</Enqueue>'));
    h.web.on('/enq-action', twiml('<Say>left</Say>'));
    const caller = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.advance(1000);
    expect(h.emu.hears(caller)).toEqual({ kind: 'speech', text: 'left' });
    expect(h.web.hitsTo('/enq-action')[0].params).toMatchObject({ QueueResult: 'leave', QueueTime: '1' });
  });
  it('goes on with the next verb without an action', async () => {
    h.web.on('/wait', twiml('<Leave/>'));
    h.web.on('/incoming', twiml('<Enqueue waitUrl="/wait">q3</Enqueue><Say>next</Say>'));
    const caller = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    expect(h.emu.hears(caller)).toEqual({ kind: 'speech', text: 'next' });
  });
});

describe('semantics: <Dial><Queue> bridges with the FRONT member; action only when the bridged parties disconnect', () => {
  it('bridges the front member and reports QueueResult=bridged after the agent hangs up', async () => {
    const first = await enqueueCaller();
    const second = await h.emu.placeCall({ from: '+15559990000', to: BUSINESS });
    await h.emu.settle();
    const agent = await agentDials();
    expect(h.emu.hears(agent)).toEqual({ kind: 'party', callSids: [first] });
    expect(h.emu.hears(first)).toEqual({ kind: 'party', callSids: [agent] });
    expect(h.emu.hears(second)).toEqual({ kind: 'music', url: 'https://example.test/wait.mp3' });
    expect(h.web.hitsTo('/enq-action')).toHaveLength(0);
    await h.emu.hangup(agent);
    await h.emu.settle();
    expect(h.web.hitsTo('/enq-action')[0].params).toMatchObject({ QueueResult: 'bridged' });
    expect(h.emu.hears(first)).toEqual({ kind: 'speech', text: 'enqueue action' });
  });
  it('waits on an empty queue for a member, up to the Dial timeout', async () => {
    await h.client.queues.create({ friendlyName: 'later' });
    await h.client.queues.create({ friendlyName: 'never' });
    const agent = await agentDials('later', 'action="/dial-action" timeout="20"');
    expect(h.emu.hears(agent)).toEqual({ kind: 'ringing' });
    await h.emu.advance(5000);
    const caller = await enqueueCaller('', 'later');
    expect(h.emu.hears(agent)).toEqual({ kind: 'party', callSids: [caller] });
    const agent2 = await agentDials('never', 'action="/dial-action" timeout="5"');
    await h.emu.advance(5000);
    expect(h.emu.hears(agent2)).toEqual({ kind: 'speech', text: 'agent after dial' });
    expect(h.web.hitsTo('/dial-action').at(-1)?.params).toMatchObject({ DialBridged: 'false' });
  });
  it('plays <Queue url> to the dequeued caller first, with DequeingCallSid', async () => {
    h.web.on('/whisper', twiml('<Say>connecting you</Say>'));
    const caller = await enqueueCaller();
    const agent = await agentDials('hold-q', 'action="/dial-action"', 'url="/whisper"');
    expect(h.web.hitsTo('/whisper')[0].params).toMatchObject({ CallSid: caller, DequeingCallSid: agent });
    expect(h.emu.hears(agent)).toEqual({ kind: 'ringing' });
    await h.emu.advance(1000);
    expect(h.emu.hears(agent)).toEqual({ kind: 'party', callSids: [caller] });
  });
  it('redirecting the bridged member gives redirected-from-bridged and ends the agent Dial', async () => {
    h.web.on('/new', twiml('<Pause length="100"/>'));
    const caller = await enqueueCaller();
    const agent = await agentDials();
    await h.client.calls(caller).update({ url: h.web.url('/new') });
    await h.emu.settle();
    expect(h.web.hitsTo('/enq-action')[0].params.QueueResult).toBe('redirected-from-bridged');
    expect(h.emu.hears(caller)).toEqual({ kind: 'silence' });
    expect(h.emu.hears(agent)).toEqual({ kind: 'speech', text: 'agent after dial' });
  });
});

describe('semantics: REST dequeue (POST member with Url) requests the Enqueue action at once with QueueResult=redirected', () => {
  it('dequeues the Front member to new TwiML', async () => {
    h.web.on('/out', twiml('<Say>out of the queue</Say>'));
    const caller = await enqueueCaller();
    const [q] = await h.client.queues.list();
    const m = await h.client.queues(q.sid).members('Front').fetch();
    expect(m.callSid).toBe(caller);
    expect(m.position).toBe(1);
    await h.client
      .queues(q.sid)
      .members('Front')
      .update({ url: h.web.url('/out') });
    await h.emu.settle();
    expect(h.emu.hears(caller)).toEqual({ kind: 'speech', text: 'out of the queue' });
    expect(h.web.hitsTo('/enq-action')[0].params.QueueResult).toBe('redirected');
    expect(await h.client.queues(q.sid).members.list()).toHaveLength(0);
  });
  it('reports QueueResult=hangup when the caller hangs up in the queue', async () => {
    const caller = await enqueueCaller();
    await h.emu.hangup(caller);
    await h.emu.settle();
    expect(h.web.hitsTo('/enq-action')[0].params.QueueResult).toBe('hangup');
  });
});

describe('semantics: Queue REST: FriendlyName required, MaxSize default 1000; delete only an EMPTY queue', () => {
  it('creates, fetches, lists and deletes', async () => {
    const q = await h.client.queues.create({ friendlyName: 'support' });
    expect(q.maxSize).toBe(1000);
    expect((await h.client.queues(q.sid).fetch()).friendlyName).toBe('support');
    await enqueueCaller('', 'support');
    await expect(h.client.queues(q.sid).remove()).rejects.toMatchObject({ status: 400 });
    const [m] = await h.client.queues(q.sid).members.list();
    await h.emu.hangup(m.callSid);
    await h.emu.settle();
    expect(await h.client.queues(q.sid).remove()).toBe(true);
    await expect(h.client.queues(q.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });
  it('rejects a queue without FriendlyName (OpenAPI check)', async () => {
    const res = await fetch(`${h.emu.url}/2010-04-01/Accounts/${h.emu.accountSid}/Queues.json`, {
      method: 'POST',
      headers: { Authorization: 'Basic ' + Buffer.from(`${h.emu.accountSid}:${h.emu.authToken}`).toString('base64') },
      body: new URLSearchParams({ MaxSize: '5' }),
    });
    expect(res.status).toBe(400);
  });
});

// https://www.twilio.com/docs/voice/twiml/queue: "If the queue does not exist, Dial will post an
// error status to its action URL." The value is not documented: the emulator sends `failed`
// (inferred; the conformance suite's `dial-queue-missing` scenario checks it against Twilio).
describe('semantics: <Dial><Queue> naming a queue that does not exist posts an error status to the Dial action at once', () => {
  it('does not wait for a member: DialCallStatus=failed, DialBridged=false, no DialCallSid', async () => {
    const agent = await agentDials('no-such-queue', 'action="/dial-action" timeout="20"');
    const [action] = h.web.hitsTo('/dial-action');
    expect(action.params).toMatchObject({ CallSid: agent, DialCallStatus: 'failed', DialBridged: 'false' });
    expect(action.params.DialCallSid).toBeUndefined();
    expect(h.emu.hears(agent)).toEqual({ kind: 'speech', text: 'agent after dial' });
  });
  it('a queue deleted after use no longer exists; <Enqueue> creates it again on demand', async () => {
    const caller = await enqueueCaller('', 'again');
    const [q] = await h.client.queues.list();
    await h.emu.hangup(caller);
    await h.emu.settle();
    await h.client.queues(q.sid).remove();
    await agentDials('again', 'action="/dial-action" timeout="20"');
    expect(h.web.hitsTo('/dial-action')[0].params.DialCallStatus).toBe('failed');
    const next = await enqueueCaller('', 'again');
    const agent = await agentDials('again', 'action="/dial-action" timeout="20"');
    expect(h.emu.hears(agent)).toEqual({ kind: 'party', callSids: [next] });
  });
  it('goes on with the next verb without an action', async () => {
    const agent = await h.client.calls.create({
      from: BUSINESS,
      to: AGENT,
      twiml: '<Response><Dial><Queue>nowhere</Queue></Dial><Say>next verb</Say></Response>',
    });
    await h.emu.advance(2000);
    expect(h.emu.hears(agent.sid)).toEqual({ kind: 'speech', text: 'next verb' });
  });
});
