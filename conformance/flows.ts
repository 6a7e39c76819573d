// The product's own flows, end to end, as scenarios: connect, hold, resume, hold again, resume,
// a party hanging up, in each mode. The REST side is the product's code itself (holdDialCall,
// resumeDialCall, setConferenceHold, connectCallerToAgent) driving the target's client; the
// webhooks are answered with the product's own TwiML builders, so every TwiML shape and every
// order is the product's. Each step is judged from Twilio's own records only: call statuses, queue
// members, participant states, and the webhooks received.
import type { Twilio } from 'twilio';
import { connectCallerToAgent } from '../lib/conference/call';
import { setConferenceHold } from '../lib/conference/hold';
import { callerQueueEnded, callerStepWhenAgentLegEnded } from '../lib/dial/decisions';
import { holdDialCall, resumeDialCall } from '../lib/dial/hold';
import { agentQueueName, callerQueueName } from '../lib/dial/hold-queue';
import {
  AGENT_LEFT,
  agentHoldTwiml,
  agentWaitsOnHold,
  type CallerQueueSettings,
  callerDialsAgent,
  callerTakesAgentBack,
  callerTwiml,
} from '../lib/dial/twiml';
import type { DialModeUrls } from '../lib/dial/urls';
import { sayAndHangUp } from '../lib/shared/caller-prompts';
import { sendTwimlToLeg } from '../lib/shared/leg-twiml';
import { type Route, twiml } from './recorder';
import type { Observation, Scenario, Target } from './target';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const xmlAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

async function callStatus(t: Target, sid: string): Promise<string> {
  return (await t.client.calls(sid).fetch()).status;
}

/** The CallSids waiting in a queue named `name` (none when it does not exist). */
async function membersOf(client: Twilio, name: string): Promise<string[]> {
  const queue = (await client.queues.list({ limit: 1000 })).find((q) => q.friendlyName === name);
  if (!queue) return [];
  return (await client.queues(queue.sid).members.list({ limit: 20 })).map((m) => m.callSid);
}

async function firstChild(t: Target, parent: string, maxMs: number): Promise<string | undefined> {
  let child: string | undefined;
  await t.waitFor(async () => {
    child = (await t.client.calls.list({ parentCallSid: parent, limit: 5 }))[0]?.sid;
    return child !== undefined;
  }, maxMs);
  return child;
}

// --- dial mode -----------------------------------------------------------------------------------

/** Any long random string: the handle's key (HOLD_API_TOKEN in the product). */
const HANDLE_KEY = 'conformance-handle-key-0123456789abcdef';

function dialUrls(t: Target): DialModeUrls {
  const withCaller =
    (path: string) =>
    (caller: string): string =>
      `${t.url(path)}?CallerCallSid=${caller}`;
  return {
    holdQueueEnded: t.url('/dial/hold-queue-ended'),
    // As with hold reminders on: a TwiML waitUrl of ours (Twilio can fetch no file from the recorder).
    holdMusic: t.url('/dial/hold-music'),
    holdMusicMethod: 'POST',
    agentHoldLoop: withCaller('/dial/agent-hold-loop'),
    agentRejoinHold: withCaller('/dial/agent-rejoin-hold'),
    agentLegStatus: withCaller('/dial/agent-leg-status'),
  };
}

/** Sets up the product's dial-mode webhooks on the recorder, places the caller's call, waits for the agent. */
async function dialCall(t: Target, agentLegStatus: Route = twiml('')) {
  const urls = dialUrls(t);
  const settings = { urls, token: HANDLE_KEY };
  const agent = await t.agent({ answersAfterMs: 1000 });
  const holdOf = (caller: string): CallerQueueSettings => ({
    queueName: callerQueueName(caller),
    waitUrl: urls.holdMusic,
    waitUrlMethod: urls.holdMusicMethod,
    actionUrl: urls.holdQueueEnded,
  });
  t.on('/incoming', (hit) => {
    const caller = hit.params.CallSid;
    t.ownQueue(callerQueueName(caller));
    t.ownQueue(agentQueueName(caller));
    return {
      twiml: callerDialsAgent({
        agent: { kind: 'number', value: agent },
        callerCallSid: caller,
        ringTimeoutSeconds: 20,
        agentStatusUrl: urls.agentLegStatus(caller),
        hold: holdOf(caller),
      }).toString(),
    };
  });
  t.on('/dial/hold-music', twiml('<Say>Please hold.</Say><Pause length="3"/>'));
  t.on('/dial/agent-hold-loop', { twiml: agentHoldTwiml('announce').toString() });
  t.on('/dial/agent-rejoin-hold', (hit) => ({
    twiml: agentWaitsOnHold({
      queueName: agentQueueName(hit.params.CallerCallSid),
      waitUrl: urls.agentHoldLoop(hit.params.CallerCallSid),
      rejoinUrl: urls.agentRejoinHold(hit.params.CallerCallSid),
    }).toString(),
  }));
  // What /hold-queue-ended answers (lib/dial/caller-webhooks.ts), from the same decision.
  t.on('/dial/hold-queue-ended', (hit) => {
    const caller = hit.params.CallSid;
    const outcome = callerQueueEnded({ queueResult: hit.params.QueueResult ?? '', callerStatus: hit.params.CallStatus ?? '' });
    const answer =
      outcome.answer === 'take-agent-back'
        ? callerTakesAgentBack(agentQueueName(caller), holdOf(caller))
        : callerTwiml(outcome.answer, holdOf(caller));
    return { twiml: answer.toString() };
  });
  t.on('/dial/agent-leg-status', agentLegStatus);

  const caller = await t.placeInboundCall();
  const agentLeg = await firstChild(t, caller, 10_000);
  if (agentLeg) await t.waitFor(async () => (await callStatus(t, agentLeg)) === 'in-progress', 15_000);
  const waiting = async (): Promise<{ caller: boolean; agent: boolean }> => ({
    caller: (await membersOf(t.client, callerQueueName(caller))).includes(caller),
    agent: agentLeg !== undefined && (await membersOf(t.client, agentQueueName(caller))).includes(agentLeg),
  });
  const bridged = async (): Promise<boolean> => {
    const w = await waiting();
    return (
      !w.caller &&
      !w.agent &&
      (await callStatus(t, caller)) === 'in-progress' &&
      agentLeg !== undefined &&
      (await callStatus(t, agentLeg)) === 'in-progress'
    );
  };
  const bothWaiting = async (): Promise<boolean> => {
    const w = await waiting();
    return w.caller && w.agent;
  };
  return { settings, caller, agentLeg, waiting, bridged, bothWaiting };
}

export const dialFlow: Scenario = {
  id: 'dial-flow',
  rule: 'Dial mode end to end as the product runs it: the caller dials the agent (a <Dial> without action, then <Enqueue>); hold redirects the bridged agent child; resume gives the queued caller <Dial><Queue> of the agent queue; hold again after a resume; resume; the caller hangs up',
  rules: [
    'dial-without-action-next-verb',
    'child-redirect-ends-dial',
    'queued-agent-redirect-ends-dial-queue',
    'dial-queue-bridges-front',
    'enqueue-action-after-redirect-ignored',
    'agent-webhooks-carry-parent-call-sid',
    'enqueue-waiturl-loops',
  ],
  judges: {
    'connect: the agent leg': [],
    'hold 1: the caller is in its queue': ['dial-without-action-next-verb', 'child-redirect-ends-dial'],
    'hold 1: the agent is in its queue': ['child-redirect-ends-dial'],
    "hold 1: the caller's call": ['child-redirect-ends-dial'],
    "hold 1: the caller's waitUrl requested again": ['enqueue-waiturl-loops'],
    "hold 1: ParentCallSid of the agent queue's waitUrl": ['agent-webhooks-carry-parent-call-sid'],
    'resume 1: bridged (both queues empty, both up)': ['dial-queue-bridges-front'],
    "resume 1: QueueResult of the caller's Enqueue action": ['enqueue-action-after-redirect-ignored'],
    'resume 1: still bridged 5 s later': ['enqueue-action-after-redirect-ignored'],
    'hold 2: the caller is in its queue': ['queued-agent-redirect-ends-dial-queue'],
    'hold 2: the agent is in its queue': ['queued-agent-redirect-ends-dial-queue'],
    'resume 2: bridged (both queues empty, both up)': ['dial-queue-bridges-front'],
    'the caller hangs up: the agent is back in its queue': [],
  },
  source: 'the rules table: the sources of the rules it checks (docs/twilio-voice-semantics.md)',
  cost: { legs: 4, minutes: 1.5 },
  emulator: {
    'connect: the agent leg': 'in-progress',
    'hold 1: the caller is in its queue': 'yes',
    'hold 1: the agent is in its queue': 'yes',
    "hold 1: the caller's call": 'in-progress',
    "hold 1: the caller's waitUrl requested again": 'yes',
    "hold 1: ParentCallSid of the agent queue's waitUrl": 'the caller',
    'resume 1: bridged (both queues empty, both up)': 'yes',
    "resume 1: QueueResult of the caller's Enqueue action": 'redirected',
    'resume 1: still bridged 5 s later': 'yes',
    'hold 2: the caller is in its queue': 'yes',
    'hold 2: the agent is in its queue': 'yes',
    'resume 2: bridged (both queues empty, both up)': 'yes',
    'the caller hangs up: the agent is back in its queue': 'yes',
  },
  async run(t): Promise<Observation> {
    const o: Observation = {};
    const { settings, caller, agentLeg, waiting, bridged, bothWaiting } = await dialCall(t);
    if (!agentLeg) return { 'connect: the agent leg': '(never dialled)' };
    o['connect: the agent leg'] = await callStatus(t, agentLeg);
    await t.wait(2000);

    const hold1 = await holdDialCall(t.client, { callSid: caller }, settings);
    await t.waitFor(bothWaiting, 10_000);
    const w1 = await waiting();
    o['hold 1: the caller is in its queue'] = yesNo(w1.caller);
    o['hold 1: the agent is in its queue'] = yesNo(w1.agent);
    o["hold 1: the caller's call"] = await callStatus(t, caller);
    await t.wait(10_000);
    o["hold 1: the caller's waitUrl requested again"] = yesNo(t.hits('/dial/hold-music').length >= 2);
    const parent = t.hits('/dial/agent-hold-loop')[0]?.params.ParentCallSid;
    o["hold 1: ParentCallSid of the agent queue's waitUrl"] = parent === caller ? 'the caller' : parent ? 'another call' : 'not sent';

    const handle = { callSid: caller, agentHandle: hold1.agentHandle };
    await resumeDialCall(t.client, handle, settings);
    o['resume 1: bridged (both queues empty, both up)'] = yesNo(await t.waitFor(bridged, 10_000));
    await t.waitFor(() => t.hits('/dial/hold-queue-ended').length > 0, 5000);
    o["resume 1: QueueResult of the caller's Enqueue action"] =
      t.hits('/dial/hold-queue-ended')[0]?.params.QueueResult ?? '(not requested)';
    await t.wait(5000);
    o['resume 1: still bridged 5 s later'] = yesNo(await bridged());

    await holdDialCall(t.client, handle, settings);
    await t.waitFor(bothWaiting, 10_000);
    const w2 = await waiting();
    o['hold 2: the caller is in its queue'] = yesNo(w2.caller);
    o['hold 2: the agent is in its queue'] = yesNo(w2.agent);
    await t.wait(2000);

    await resumeDialCall(t.client, handle, settings);
    o['resume 2: bridged (both queues empty, both up)'] = yesNo(await t.waitFor(bridged, 10_000));
    await t.wait(2000);

    // The caller hangs up while bridged: the agent's <Enqueue> is over and it goes on with its next
    // verb, the agent queue again, whose waitUrl (/agent-hold-loop) then releases it in the product.
    await t.client.calls(caller).update({ status: 'completed' });
    o['the caller hangs up: the agent is back in its queue'] = yesNo(await t.waitFor(async () => (await waiting()).agent, 10_000));
    return o;
  },
};

// --- conference mode -----------------------------------------------------------------------------

/** Sets up the product's conference-mode webhooks, places the caller's call, waits for the conference with both. */
async function conferenceCall(t: Target) {
  const agent = await t.agent({ answersAfterMs: 1000 });
  t.on('/incoming', async (hit) => {
    const answer = await connectCallerToAgent(
      t.client,
      { callSid: hit.params.CallSid, calledNumber: hit.params.To },
      {
        agent: { kind: 'number', value: agent },
        callerId: t.numbers.business,
        ringTimeoutSeconds: 20,
        holdMusicUrl: t.url('/conf/hold-music'),
        agentStatusUrl: t.url('/conf/agent-status'),
        agentAloneUrl: t.url('/conf/agent-alone'),
        conferenceStatusUrl: t.url('/conf/conference-status'),
      },
    );
    return { twiml: answer.twiml.toString() };
  });
  t.on('/conf/hold-music', twiml('<Say>Please wait.</Say><Pause length="3"/>'));
  // The shape of the product's hold document (lib/conference/hold-limit.ts): audio, then a
  // <Redirect> to itself with the time held and the caller in the query.
  t.on('/conf/hold', (hit) => {
    const next = `${t.url('/conf/hold')}?CallerCallSid=${hit.params.CallSid}&HeldFor=${Number(hit.params.HeldFor ?? 0) + 5}`;
    return twiml(`<Say>You are on hold.</Say><Pause length="3"/><Redirect method="POST">${xmlAttr(next)}</Redirect>`);
  });
  t.on('/conf/warning', twiml('<Say>Your caller has been on hold for a long time.</Say>'));
  // The shape of the hold limit's timer, the agent's holdUrl (lib/conference/hold-limit.ts).
  t.on('/conf/agent-timer', twiml('<Say>Your caller is on hold.</Say><Pause length="30"/>'));
  for (const path of ['/conf/agent-status', '/conf/agent-alone', '/conf/conference-status']) t.on(path, twiml(''));

  const caller = await t.placeInboundCall();
  let conferenceSid: string | undefined;
  const started = await t.waitFor(async () => {
    conferenceSid = (await t.client.conferences.list({ friendlyName: caller, status: 'in-progress', limit: 1 }))[0]?.sid;
    return conferenceSid !== undefined && (await t.client.conferences(conferenceSid).participants.list({ limit: 5 })).length === 2;
  }, 20_000);
  const agentLeg = started && conferenceSid ? (await t.client.conferences(conferenceSid).participants('agent').fetch()).callSid : undefined;
  const hold = (on: boolean) =>
    setConferenceHold(t.client, {
      callSid: caller,
      conferenceSid,
      participant: 'caller',
      hold: on,
      holdUrl: `${t.url('/conf/hold')}?HeldFor=0`,
    });
  const held = async (): Promise<string> => String((await t.client.conferences(conferenceSid!).participants(caller).fetch()).hold);
  return { caller, conferenceSid: started ? conferenceSid : undefined, agentLeg, hold, held };
}

export const conferenceFlow: Scenario = {
  id: 'conference-flow',
  rule: "Conference mode end to end as the product runs it: the agent added by POST /Participants and the caller by <Dial><Conference>; hold (Hold, HoldUrl) with a hold document that <Redirect>s; the agent held too with a HoldUrl of its own (the hold limit's timer), each party requesting its own; an announcement to the agent; resume, agent first; hold again; resume; the agent hangs up",
  rules: [
    'participant-hold-holdurl',
    'participant-hold-per-participant',
    'holdurl-fetched-each-hold',
    'holdurl-redirect-keeps-query',
    'holdurl-twiml-verbs',
    'participant-announcement',
    'end-conference-on-exit',
  ],
  judges: {
    'connect: the conference starts with both': [],
    'hold 1: the caller is held': ['participant-hold-holdurl'],
    'hold 1: its HoldUrl requested': ['participant-hold-holdurl'],
    'hold 1: the <Redirect> keeps its query and sends CallSid': ['holdurl-redirect-keeps-query', 'holdurl-twiml-verbs'],
    'hold 1: the agent held with its own HoldUrl, requested for its own call': ['participant-hold-per-participant'],
    "hold 1: the caller's document goes on while the agent is held": ['participant-hold-per-participant'],
    'hold 1: the AnnounceUrl to the agent requested': ['participant-announcement'],
    'resume 1: the agent is held': ['participant-hold-per-participant'],
    'resume 1: the caller is held': ['participant-hold-holdurl'],
    'hold 2: the HoldUrl requested afresh (HeldFor=0)': ['holdurl-fetched-each-hold'],
    'resume 2: the caller is held': ['participant-hold-holdurl'],
    "the agent hangs up: the caller's call": ['end-conference-on-exit'],
  },
  source: 'the rules table: the sources of the rules it checks (docs/twilio-voice-semantics.md)',
  cost: { legs: 4, minutes: 1.2 },
  emulator: {
    'connect: the conference starts with both': 'yes',
    'hold 1: the caller is held': 'true',
    'hold 1: its HoldUrl requested': 'yes',
    'hold 1: the <Redirect> keeps its query and sends CallSid': 'yes',
    'hold 1: the agent held with its own HoldUrl, requested for its own call': 'yes',
    "hold 1: the caller's document goes on while the agent is held": 'yes',
    'hold 1: the AnnounceUrl to the agent requested': 'yes',
    'resume 1: the agent is held': 'false',
    'resume 1: the caller is held': 'false',
    'hold 2: the HoldUrl requested afresh (HeldFor=0)': 'yes',
    'resume 2: the caller is held': 'false',
    "the agent hangs up: the caller's call": 'completed',
  },
  async run(t): Promise<Observation> {
    const o: Observation = {};
    const { caller, conferenceSid, agentLeg, hold, held } = await conferenceCall(t);
    o['connect: the conference starts with both'] = yesNo(conferenceSid !== undefined);
    if (!conferenceSid || !agentLeg) return o;
    const cf = conferenceSid;
    await t.wait(2000);

    await hold(true);
    o['hold 1: its HoldUrl requested'] = yesNo(await t.waitFor(() => t.hits('/conf/hold').length > 0, 5000));
    o['hold 1: the caller is held'] = await held();
    await t.waitFor(() => t.hits('/conf/hold').length > 1, 15_000);
    const redirect = t.hits('/conf/hold')[1]?.params;
    o['hold 1: the <Redirect> keeps its query and sends CallSid'] = yesNo(
      redirect?.HeldFor === '5' && redirect.CallerCallSid === caller && redirect.CallSid === caller,
    );
    const agentParticipant = () => t.client.conferences(cf).participants('agent');
    await agentParticipant().update({ hold: true, holdUrl: t.url('/conf/agent-timer'), holdMethod: 'POST' });
    await t.waitFor(() => t.hits('/conf/agent-timer').length > 0, 5000);
    o['hold 1: the agent held with its own HoldUrl, requested for its own call'] = yesNo(
      (await agentParticipant().fetch()).hold === true && t.hits('/conf/agent-timer')[0]?.params.CallSid === agentLeg,
    );
    const callerHits = t.hits('/conf/hold').length;
    await t.waitFor(() => t.hits('/conf/hold').length > callerHits, 15_000);
    o["hold 1: the caller's document goes on while the agent is held"] = yesNo(
      t.hits('/conf/hold').length > callerHits && t.hits('/conf/hold').every((hit) => hit.params.CallSid === caller),
    );
    await t.client
      .conferences(cf)
      .participants('agent')
      .update({ announceUrl: t.url('/conf/warning'), announceMethod: 'POST' });
    o['hold 1: the AnnounceUrl to the agent requested'] = yesNo(await t.waitFor(() => t.hits('/conf/warning').length > 0, 5000));
    await t.wait(3000);

    await agentParticipant().update({ hold: false });
    o['resume 1: the agent is held'] = String((await agentParticipant().fetch()).hold);
    await hold(false);
    o['resume 1: the caller is held'] = await held();
    await t.wait(3000);

    const before = t.hits('/conf/hold').length;
    await hold(true);
    await t.waitFor(() => t.hits('/conf/hold').length > before, 5000);
    o['hold 2: the HoldUrl requested afresh (HeldFor=0)'] = yesNo(t.hits('/conf/hold')[before]?.params.HeldFor === '0');
    await t.wait(3000);

    await hold(false);
    o['resume 2: the caller is held'] = await held();
    await t.wait(2000);

    await t.client.calls(agentLeg).update({ status: 'completed' });
    await t.waitFor(async () => (await callStatus(t, caller)) === 'completed', 10_000);
    o["the agent hangs up: the caller's call"] = await callStatus(t, caller);
    return o;
  },
};

// --- the other party hangs up ----------------------------------------------------------------------

export const dialFlowAgentLeaves: Scenario = {
  id: 'dial-flow-agent-leaves',
  rule: "Dial mode, the agent hangs up while the caller is held: the status callback of its <Number> (given in the caller's <Dial>) still reports it after the leg was redirected into the agent queue, and the product tells the caller",
  rules: ['dialled-leg-status-callback-after-redirect'],
  judges: { 'connect: the agent leg': [], 'hold: the caller is in its queue': [] },
  source: 'the rules table: the sources of the rules it checks (docs/twilio-voice-semantics.md)',
  cost: { legs: 4, minutes: 0.7 },
  emulator: {
    'connect: the agent leg': 'in-progress',
    'hold: the caller is in its queue': 'yes',
    "the agent hangs up: its leg's status callback": 'completed',
    'the agent hangs up: the caller is told, then its call ends': 'completed',
  },
  async run(t): Promise<Observation> {
    // What /agent-leg-status does (lib/dial/agent-webhooks.ts), from the same decision and TwiML.
    const agentLegStatus: Route = async (hit) => {
      if (callerStepWhenAgentLegEnded(hit.params.CallStatus ?? '') === 'agent-left') {
        await sendTwimlToLeg(t.client, hit.params.CallerCallSid, sayAndHangUp(AGENT_LEFT).toString(), 'tell the caller: agent-left');
      }
      return twiml('');
    };
    const o: Observation = {};
    const { settings, caller, agentLeg, waiting, bothWaiting } = await dialCall(t, agentLegStatus);
    if (!agentLeg) return { 'connect: the agent leg': '(never dialled)' };
    o['connect: the agent leg'] = await callStatus(t, agentLeg);
    await t.wait(2000);
    await holdDialCall(t.client, { callSid: caller }, settings);
    await t.waitFor(bothWaiting, 10_000);
    o['hold: the caller is in its queue'] = yesNo((await waiting()).caller);
    await t.client.calls(agentLeg).update({ status: 'completed' });
    await t.waitFor(() => t.hits('/dial/agent-leg-status').some((h) => h.params.CallStatus === 'completed'), 10_000);
    o["the agent hangs up: its leg's status callback"] =
      t.hits('/dial/agent-leg-status').find((h) => h.params.CallStatus === 'completed')?.params.CallStatus ?? '(none)';
    await t.waitFor(async () => (await callStatus(t, caller)) === 'completed', 15_000);
    o['the agent hangs up: the caller is told, then its call ends'] = await callStatus(t, caller);
    return o;
  },
};

export const conferenceFlowCallerLeaves: Scenario = {
  id: 'conference-flow-caller-leaves',
  rule: "Conference mode, the caller hangs up after a hold and a resume: its endConferenceOnExit ends the conference and the agent's call",
  rules: ['end-conference-on-exit'],
  judges: { 'connect: the conference starts with both': [], 'hold, then resume: the caller is held': [] },
  source: 'the rules table: the sources of the rules it checks (docs/twilio-voice-semantics.md)',
  cost: { legs: 4, minutes: 0.6 },
  emulator: {
    'connect: the conference starts with both': 'yes',
    'hold, then resume: the caller is held': 'false',
    "the caller hangs up: the agent's call": 'completed',
  },
  async run(t): Promise<Observation> {
    const o: Observation = {};
    const { caller, conferenceSid, agentLeg, hold, held } = await conferenceCall(t);
    o['connect: the conference starts with both'] = yesNo(conferenceSid !== undefined);
    if (!conferenceSid || !agentLeg) return o;
    await t.wait(2000);
    await hold(true);
    await t.wait(3000);
    await hold(false);
    o['hold, then resume: the caller is held'] = await held();
    await t.wait(2000);
    await t.client.calls(caller).update({ status: 'completed' });
    await t.waitFor(async () => (await callStatus(t, agentLeg)) === 'completed', 10_000);
    o["the caller hangs up: the agent's call"] = await callStatus(t, agentLeg);
    return o;
  },
};
