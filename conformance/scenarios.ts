// The conformance scenarios: each pins one behaviour that dial mode (or the emulator) relies on,
// written once against the Target interface so it runs on the emulator (npm test) and on a real
// account (npm run conformance -- --live). A scenario returns what it observed, as short words;
// `emulator` is what the emulator does today, which the offline run asserts and the live run
// compares with Twilio. Observations come only from REST reads and the webhooks Twilio sends.
// (The Scenario shape lives in target.ts, beside what it runs against, so that flows.ts can
// declare scenarios without importing this list.)
import { conferenceFlow, conferenceFlowCallerLeaves, dialFlow, dialFlowAgentLeaves } from './flows';
import { twiml } from './recorder';
import type { Observation, Scenario, Target } from './target';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const firstParams = (t: Target, path: string): Record<string, string> | undefined => t.hits(path)[0]?.params;

/** How a REST call ended: "200 (status)" or "HTTP code". */
async function restOutcome(p: Promise<{ status: string }>): Promise<string> {
  try {
    return `200 (${(await p).status})`;
  } catch (e) {
    const err = e as { status?: number; code?: number };
    return `${err.status ?? '?'} ${err.code ?? ''}`.trim();
  }
}

async function callStatus(t: Target, sid: string): Promise<string> {
  return (await t.client.calls(sid).fetch()).status;
}

/** The dialled (child) leg of a call, once it exists. */
async function childOf(t: Target, parentSid: string, maxMs: number): Promise<string | undefined> {
  let child: string | undefined;
  await t.waitFor(async () => {
    child = (await t.client.calls.list({ parentCallSid: parentSid, limit: 5 }))[0]?.sid;
    return child !== undefined;
  }, maxMs);
  return child;
}

/** A caller in a conference (by <Dial><Conference>) with the agent added by REST; resolves with the CF SID. */
async function conferenceWithAgent(t: Target, id: string, dialAction?: string): Promise<{ caller: string; conferenceSid?: string }> {
  const name = t.uniqueName(id);
  const action = dialAction ? ` action="${t.url(dialAction)}"` : '';
  t.on('/incoming', twiml(`<Dial${action}><Conference endConferenceOnExit="true">${name}</Conference></Dial>`));
  if (dialAction) t.on(dialAction, twiml('<Pause length="10"/>'));
  const agent = await t.agent({ answersAfterMs: 1000 });
  const caller = await t.placeInboundCall();
  await t.client.conferences(name).participants.create({ from: t.numbers.business, to: agent, label: 'agent', endConferenceOnExit: true });
  let conferenceSid: string | undefined;
  await t.waitFor(async () => {
    conferenceSid = (await t.client.conferences.list({ friendlyName: name, status: 'in-progress', limit: 1 }))[0]?.sid;
    return conferenceSid !== undefined;
  }, 15_000);
  return { caller, conferenceSid };
}

/** A TwiML document of exactly `length` characters (a <Say> padded with spaces). */
function twimlOfLength(length: number): string {
  const head = '<Response><Say>Please hold.';
  const tail = '</Say><Pause length="20"/></Response>';
  return head + ' '.repeat(length - head.length - tail.length) + tail;
}

export const SCENARIOS: Scenario[] = [
  dialFlow,
  dialFlowAgentLeaves,
  conferenceFlow,
  conferenceFlowCallerLeaves,
  {
    id: 'parent-redirect-hangs-up-child',
    rules: ['parent-redirect-hangs-up-child'],
    rule: "Redirecting the PARENT of a bridged <Dial> hangs up its child; the parent's Dial action is still requested",
    source:
      'inferred: from https://www.twilio.com/docs/voice/api/call-resource ("Update a Call": the call leaves the TwiML it was running)',
    cost: { legs: 4, minutes: 0.5 },
    emulator: {
      'child after the redirect': 'completed',
      'parent after the redirect': 'in-progress',
      'parent Dial action requested': 'yes',
    },
    async run(t): Promise<Observation> {
      const agent = await t.agent({ answersAfterMs: 1000 });
      t.on('/incoming', twiml(`<Dial action="${t.url('/p/dial-action')}"><Number>${agent}</Number></Dial>`));
      t.on('/p/dial-action', twiml('<Pause length="10"/>'));
      const caller = await t.placeInboundCall();
      const child = await childOf(t, caller, 4000);
      if (!child) return { 'child after the redirect': '(no child leg)' };
      await t.waitFor(async () => (await callStatus(t, child)) === 'in-progress', 10_000);
      await t.wait(2000);
      await t.client.calls(caller).update({ twiml: '<Response><Pause length="10"/></Response>' });
      await t.waitFor(async () => (await callStatus(t, child)) === 'completed', 5000);
      await t.waitFor(() => t.hits('/p/dial-action').length > 0, 5000);
      return {
        'child after the redirect': await callStatus(t, child),
        'parent after the redirect': await callStatus(t, caller),
        'parent Dial action requested': yesNo(t.hits('/p/dial-action').length > 0),
      };
    },
  },
  {
    id: 'inline-twiml-limit',
    rules: ['inline-twiml-limit'],
    rule: 'The Twiml of a call update is at most 4,000 characters; longer is refused with 32018',
    source:
      'https://www.twilio.com/docs/api/errors/32018 ("Twiml size exceeded maximum allowed value of 4000 characters"; the HTTP status is inferred)',
    cost: { legs: 2, minutes: 0.5 },
    emulator: { '4,001 characters': '400 32018', '4,000 characters': '200 (in-progress)' },
    async run(t): Promise<Observation> {
      const agent = await t.agent({ answersAfterMs: 1000 });
      const sid = await t.placeOutboundCall(agent, '<Response><Pause length="30"/></Response>');
      await t.waitFor(async () => (await callStatus(t, sid)) === 'in-progress', 15_000);
      const tooLong = await restOutcome(t.client.calls(sid).update({ twiml: twimlOfLength(4001) }));
      const longest = await restOutcome(t.client.calls(sid).update({ twiml: twimlOfLength(4000) }));
      return { '4,001 characters': tooLong, '4,000 characters': longest };
    },
  },
  {
    id: 'api-calls-paced',
    rules: ['api-calls-paced'],
    rule: "Participants created faster than the account's CPS (1 per second by default) are accepted and queued, not refused",
    source:
      'https://twilio.com/en-us/changelog/queue-time-now-returned-when-creating-new-conference-participant ("Calls created by POST to the /Participants API are rate limited by the Calls Per Second (CPS) setting")',
    cost: { legs: 4, minutes: 0.3 },
    emulator: { 'both accepted': 'yes', 'queue_time of the second': 'more than 0' },
    async run(t): Promise<Observation> {
      const agent = await t.agent({ answersAfterMs: 1000 });
      const name = t.uniqueName('paced');
      const add = (label: string) =>
        t.client.conferences(name).participants.create({ from: t.numbers.business, to: agent, label, timeout: 10 });
      const outcomes = [await add('first').catch((e: Error) => e), await add('second').catch((e: Error) => e)];
      for (const p of outcomes)
        if (!(p instanceof Error))
          await t.client
            .calls(p.callSid)
            .update({ status: 'completed' })
            .catch(() => undefined);
      const [, second] = outcomes;
      return {
        'both accepted': yesNo(outcomes.every((p) => !(p instanceof Error))),
        'queue_time of the second':
          second instanceof Error ? `(${second.message})` : Number(second.queueTime ?? 0) > 0 ? 'more than 0' : '0',
      };
    },
  },
  {
    id: 'dial-queue-missing',
    rules: ['dial-queue-missing-error'],
    rule: '<Dial><Queue> naming a queue that does not exist posts an error status to the Dial action',
    source: 'https://www.twilio.com/docs/voice/twiml/queue ("Dial will post an error status to its action URL"; which status is inferred)',
    cost: { legs: 2, minutes: 0.5 },
    emulator: { 'Dial action before its 10 s timeout': 'yes', DialCallStatus: 'failed', DialBridged: 'false', DialCallSid: 'not sent' },
    async run(t): Promise<Observation> {
      t.on(
        '/incoming',
        twiml(
          `<Dial action="${t.url('/s1/dial-action')}" timeout="10"><Queue>${t.uniqueName('never-created')}</Queue></Dial><Pause length="20"/>`,
        ),
      );
      t.on('/s1/dial-action', twiml('<Hangup/>'));
      await t.placeInboundCall();
      const acted = await t.waitFor(() => t.hits('/s1/dial-action').length > 0, 9000);
      const p = firstParams(t, '/s1/dial-action') ?? {};
      return {
        'Dial action before its 10 s timeout': yesNo(acted),
        DialCallStatus: p.DialCallStatus ?? '(none)',
        DialBridged: p.DialBridged ?? '(none)',
        DialCallSid: p.DialCallSid ? 'sent' : 'not sent',
      };
    },
  },
  {
    id: 'ringing-child-redirect',
    rules: ['ringing-child-in-progress'],
    rule: 'A <Dial> child that is still ringing accepts new TwiML (it is in-progress to Twilio)',
    source:
      'https://www.twilio.com/docs/api/rest/change-call-state ("any call which is currently ringing within a <Dial> verb is in-progress"); what the parent\'s Dial then reports is inferred',
    cost: { legs: 4, minutes: 0.5 },
    emulator: {
      'child before': 'ringing',
      'redirect answer': '200 (ringing)',
      'parent Dial action within 3 s': 'no-answer',
      'new TwiML requested within 3 s (before the agent answers)': 'no',
      'new TwiML requested once answered': 'yes',
      'child after it answered': 'in-progress',
    },
    async run(t): Promise<Observation> {
      const agent = await t.agent({ answersAfterMs: 8000 });
      t.on(
        '/incoming',
        twiml(`<Dial action="${t.url('/s2/dial-action')}" timeout="25"><Number>${agent}</Number></Dial><Pause length="20"/>`),
      );
      t.on('/s2/dial-action', twiml('<Pause length="20"/>'));
      t.on('/s2/new', twiml('<Pause length="20"/>'));
      const caller = await t.placeInboundCall();
      const child = await childOf(t, caller, 4000);
      if (!child) return { 'child before': '(no child leg)' };
      const before = await callStatus(t, child);
      const answer = await restOutcome(t.client.calls(child).update({ url: t.url('/s2/new'), method: 'POST' }));
      await t.wait(3000);
      const action = firstParams(t, '/s2/dial-action');
      const early = t.hits('/s2/new').length > 0;
      // The agent answers 8 s after it was dialled.
      await t.waitFor(() => t.hits('/s2/new').length > 0, 12_000);
      return {
        'child before': before,
        'redirect answer': answer,
        'parent Dial action within 3 s': action?.DialCallStatus ?? '(none)',
        'new TwiML requested within 3 s (before the agent answers)': yesNo(early),
        'new TwiML requested once answered': yesNo(t.hits('/s2/new').length > 0),
        'child after it answered': await callStatus(t, child),
      };
    },
  },
  {
    id: 'child-redirect-dial-status',
    rules: ['child-redirect-ends-dial'],
    rule: "Redirecting the bridged child ends the parent's Dial: the DialCallStatus the parent's action gets",
    source:
      'inferred: the Dial docs list the DialCallStatus values but not which one a redirected child gives; https://www.twilio.com/docs/voice/twiml/dial#action documents no DialCallDuration after a child redirect',
    cost: { legs: 4, minutes: 0.5 },
    emulator: {
      DialCallStatus: 'completed',
      DialBridged: 'true',
      DialCallSid: 'the child',
      DialCallDuration: 'not sent',
      'caller after the action': 'in-progress',
    },
    async run(t): Promise<Observation> {
      const agent = await t.agent({ answersAfterMs: 1000 });
      t.on('/incoming', twiml(`<Dial action="${t.url('/s3/dial-action')}"><Number>${agent}</Number></Dial>`));
      t.on('/s3/dial-action', twiml('<Pause length="10"/>'));
      t.on('/s3/away', twiml('<Pause length="10"/>'));
      const caller = await t.placeInboundCall();
      const child = await childOf(t, caller, 4000);
      if (!child) return { DialCallStatus: '(no child leg)' };
      await t.waitFor(async () => (await callStatus(t, child)) === 'in-progress', 10_000);
      await t.wait(3000);
      await t.client.calls(child).update({ url: t.url('/s3/away'), method: 'POST' });
      await t.waitFor(() => t.hits('/s3/dial-action').length > 0, 5000);
      const p = firstParams(t, '/s3/dial-action') ?? {};
      return {
        DialCallStatus: p.DialCallStatus ?? '(none)',
        DialBridged: p.DialBridged ?? '(none)',
        DialCallSid: p.DialCallSid === child ? 'the child' : p.DialCallSid ? 'another SID' : 'not sent',
        DialCallDuration: p.DialCallDuration === undefined ? 'not sent' : 'sent',
        'caller after the action': await callStatus(t, caller),
      };
    },
  },
  {
    id: 'dequeued-caller-agent-redirected',
    rules: ['dial-queue-bridges-front'],
    rule: 'A caller bridged by <Dial><Queue> survives when the dialling (agent) leg is redirected, and its Enqueue action gets a QueueResult',
    source:
      'inferred: the Enqueue docs say the action is requested "when the bridged parties disconnect", not what a redirect of the dialling leg gives',
    cost: { legs: 4, minutes: 0.5 },
    emulator: { 'caller after the agent left': 'in-progress', QueueResult: 'bridged', 'agent Dial action': 'completed' },
    async run(t): Promise<Observation> {
      const queue = t.uniqueName('s4');
      t.on('/incoming', twiml(`<Enqueue action="${t.url('/s4/enqueue-action')}">${queue}</Enqueue>`));
      t.on('/s4/enqueue-action', twiml('<Pause length="10"/>'));
      t.on('/s4/agent-dial-action', twiml('<Pause length="10"/>'));
      t.on('/s4/agent-away', twiml('<Pause length="10"/>'));
      const caller = await t.placeInboundCall();
      await t.wait(1000);
      const agent = await t.agent({ answersAfterMs: 1000 });
      const agentLeg = await t.placeOutboundCall(
        agent,
        `<Response><Dial action="${t.url('/s4/agent-dial-action')}"><Queue>${queue}</Queue></Dial></Response>`,
      );
      const bridged = await t.waitFor(async () => {
        const [q] = (await t.client.queues.list({ limit: 1000 })).filter((x) => x.friendlyName === queue);
        return q !== undefined && q.currentSize === 0 && (await callStatus(t, agentLeg)) === 'in-progress';
      }, 15_000);
      if (!bridged) return { 'caller after the agent left': '(never bridged)' };
      await t.wait(2000);
      await t.client.calls(agentLeg).update({ url: t.url('/s4/agent-away'), method: 'POST' });
      await t.waitFor(() => t.hits('/s4/enqueue-action').length > 0, 5000);
      await t.wait(1000);
      return {
        'caller after the agent left': await callStatus(t, caller),
        QueueResult: firstParams(t, '/s4/enqueue-action')?.QueueResult ?? '(no Enqueue action)',
        'agent Dial action': firstParams(t, '/s4/agent-dial-action')?.DialCallStatus ?? '(none)',
      };
    },
  },
  {
    id: 'dial-queue-empty-timeout',
    rules: ['dial-queue-empty-waits'],
    rule: '<Dial><Queue> on an existing but empty queue waits until the Dial timeout, then reports it',
    source: 'https://www.twilio.com/docs/voice/twiml/queue (waits "until the <Dial> timeout"); the DialCallStatus it reports is inferred',
    cost: { legs: 2, minutes: 0.5 },
    emulator: { 'Dial action before the timeout': 'no', 'Dial action after it': 'yes', DialCallStatus: 'no-answer', DialBridged: 'false' },
    async run(t): Promise<Observation> {
      const queue = t.uniqueName('s5');
      await t.client.queues.create({ friendlyName: queue });
      t.on('/s5/dial-action', twiml('<Hangup/>'));
      const agent = await t.agent({ answersAfterMs: 1000 });
      await t.placeOutboundCall(
        agent,
        `<Response><Dial action="${t.url('/s5/dial-action')}" timeout="8"><Queue>${queue}</Queue></Dial></Response>`,
      );
      const early = await t.waitFor(() => t.hits('/s5/dial-action').length > 0, 5000);
      const late = early || (await t.waitFor(() => t.hits('/s5/dial-action').length > 0, 15_000));
      const p = firstParams(t, '/s5/dial-action') ?? {};
      return {
        'Dial action before the timeout': yesNo(early),
        'Dial action after it': yesNo(late),
        DialCallStatus: p.DialCallStatus ?? '(none)',
        DialBridged: p.DialBridged ?? '(none)',
      };
    },
  },
  {
    id: 'holdurl-runs-out',
    rules: ['holdurl-runs-out-silence'],
    rule: 'A holdUrl TwiML document that runs out without <Redirect> leaves the held participant in silence (it is not requested again)',
    source: 'inferred: documented for waitUrl, not for holdUrl (docs/twilio-voice-semantics.md, "Conference participants")',
    cost: { legs: 4, minutes: 0.7 },
    emulator: { 'holdUrl requests in 15 s': '1', 'still held': 'true' },
    async run(t): Promise<Observation> {
      t.on('/s6/hold', twiml('<Say>You are on hold.</Say>'));
      const { caller, conferenceSid } = await conferenceWithAgent(t, 's6');
      if (!conferenceSid) return { 'holdUrl requests in 15 s': '(conference never started)' };
      await t.client
        .conferences(conferenceSid)
        .participants(caller)
        .update({ hold: true, holdUrl: t.url('/s6/hold'), holdMethod: 'GET' });
      await t.wait(15_000);
      const n = t.hits('/s6/hold').length;
      const participant = await t.client.conferences(conferenceSid).participants(caller).fetch();
      return { 'holdUrl requests in 15 s': n > 1 ? 'more than 1' : String(n), 'still held': String(participant.hold) };
    },
  },
  {
    id: 'participant-redirected-gone',
    rules: ['participant-redirected-gone'],
    rule: 'A participant whose call is redirected to new TwiML leaves the conference: fetching it is 404 (20404), and its <Dial> action is still requested',
    source: 'inferred: docs/twilio-voice-semantics.md, "Conference participants" (404) and emulator/README.md (the Dial action)',
    cost: { legs: 4, minutes: 0.5 },
    emulator: { 'fetch after the redirect': '404 20404', 'caller Dial action requested': 'yes', DialCallStatus: 'completed' },
    async run(t): Promise<Observation> {
      const { caller, conferenceSid } = await conferenceWithAgent(t, 's7', '/s7/dial-action');
      if (!conferenceSid) return { 'fetch after the redirect': '(conference never started)' };
      await t.client.calls(caller).update({ twiml: '<Response><Pause length="10"/></Response>' });
      await t.waitFor(() => t.hits('/s7/dial-action').length > 0, 5000);
      await t.wait(1000);
      return {
        'fetch after the redirect': await restOutcome(
          t.client
            .conferences(conferenceSid)
            .participants(caller)
            .fetch()
            .then(() => ({ status: 'still a participant' })),
        ),
        'caller Dial action requested': yesNo(t.hits('/s7/dial-action').length > 0),
        DialCallStatus: firstParams(t, '/s7/dial-action')?.DialCallStatus ?? '(none)',
      };
    },
  },
  {
    id: 'dial-call-sid-busy',
    rules: ['dial-call-sid-always'],
    rule: 'The Dial action carries DialCallSid, the dialled leg, also when it did not answer (busy)',
    source: 'https://www.twilio.com/docs/voice/twiml/dial#action (DialCallSid: "The call sid of the new call leg")',
    cost: { legs: 4, minutes: 0.5 },
    emulator: { DialCallStatus: 'busy', DialCallSid: 'the dialled leg', DialBridged: 'false' },
    async run(t): Promise<Observation> {
      const agent = await t.agent({ busy: true });
      t.on('/incoming', twiml(`<Dial action="${t.url('/s8/dial-action')}" timeout="15"><Number>${agent}</Number></Dial>`));
      t.on('/s8/dial-action', twiml('<Hangup/>'));
      const caller = await t.placeInboundCall();
      await t.waitFor(() => t.hits('/s8/dial-action').length > 0, 20_000);
      const p = firstParams(t, '/s8/dial-action') ?? {};
      const [child] = await t.client.calls.list({ parentCallSid: caller, limit: 5 });
      return {
        DialCallStatus: p.DialCallStatus ?? '(none)',
        DialCallSid:
          p.DialCallSid !== undefined && p.DialCallSid === child?.sid ? 'the dialled leg' : p.DialCallSid ? 'another SID' : 'not sent',
        DialBridged: p.DialBridged ?? '(none)',
      };
    },
  },
  {
    id: 'queue-error-codes',
    rules: ['queue-rest-errors'],
    rule: 'Queue REST errors: creating a queue whose name exists, and deleting a queue that has members',
    source: 'inferred: the emulator answers 400 with 22003 and 22004 (its own choice; docs/twilio-voice-semantics.md names no codes)',
    cost: { legs: 2, minutes: 0.3 },
    emulator: { 'create a duplicate name': '400 22003', 'delete with a member waiting': '400 22004', 'delete once empty': 'deleted' },
    async run(t): Promise<Observation> {
      const name = t.uniqueName('s9');
      const queue = await t.client.queues.create({ friendlyName: name });
      const duplicate = await restOutcome(t.client.queues.create({ friendlyName: name }).then(() => ({ status: 'created' })));
      t.on('/incoming', twiml(`<Enqueue>${name}</Enqueue>`));
      const caller = await t.placeInboundCall();
      await t.waitFor(async () => (await t.client.queues(queue.sid).fetch()).currentSize === 1, 10_000);
      const busy = await restOutcome(
        t.client
          .queues(queue.sid)
          .remove()
          .then(() => ({ status: 'deleted' })),
      );
      await t.client.calls(caller).update({ status: 'completed' });
      await t.waitFor(async () => (await t.client.queues(queue.sid).fetch()).currentSize === 0, 10_000);
      const empty = await t.client
        .queues(queue.sid)
        .remove()
        .then(
          () => 'deleted',
          (e: { status?: number; code?: number }) => `${e.status} ${e.code}`,
        );
      return { 'create a duplicate name': duplicate, 'delete with a member waiting': busy, 'delete once empty': empty };
    },
  },
];

/** What the whole live run costs, from the scenarios' own statements. */
export function totalCost(scenarios: Scenario[]): { legs: number; minutes: number } {
  return scenarios.reduce((sum, s) => ({ legs: sum.legs + s.cost.legs, minutes: sum.minutes + s.cost.minutes }), { legs: 0, minutes: 0 });
}
