// Dial mode's pure decisions, for every input they can get (lib/dial/decisions.ts).
import {
  agentHoldStep,
  agentLegAmong,
  callerQueueEnded,
  holdRulesVerdict,
  callerStepWhenAgentLegEnded,
  legStateOf,
  resumeStep,
} from '../../lib/dial/decisions';
import { signAgentHandle, verifyAgentHandle } from '../../lib/dial/agent-handle';

const CALL_STATUSES = ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'];
const QUEUE_RESULTS = [
  'bridged',
  'bridging-in-process',
  'error',
  'hangup',
  'leave',
  'redirected',
  'redirected-from-bridged',
  'queue-full',
  'system-error',
  'something-new',
];

describe('legStateOf', () => {
  it.each([
    ['in-progress', 'live'],
    ['queued', 'connecting'],
    ['ringing', 'connecting'],
    ['completed', 'gone'],
    ['busy', 'gone'],
    ['failed', 'gone'],
    ['no-answer', 'gone'],
    ['canceled', 'gone'],
  ])('%s is %s', (status, state) => expect(legStateOf(status)).toBe(state));
});

describe("callerQueueEnded (the caller's Enqueue action)", () => {
  it('for every QueueResult and caller status: a live caller is never sent an empty document (which would end its call)', () => {
    for (const queueResult of QUEUE_RESULTS) {
      for (const callerStatus of CALL_STATUSES) {
        const outcome = callerQueueEnded({ queueResult, callerStatus });
        const callerGone = queueResult === 'hangup' || legStateOf(callerStatus) === 'gone';
        if (callerGone) expect(outcome).toEqual({ caller: 'nothing', answer: 'nothing', releaseAgent: true, cleanUp: true });
        else expect(['wait-on-hold', 'cannot-hold']).toContain(outcome.caller);
        // A live caller's answer keeps it on the line: its queue, an apology, or the resume's TwiML.
        if (!callerGone) expect(outcome.answer === 'take-agent-back' || outcome.answer === outcome.caller).toBe(true);
        // The agent is released exactly when the caller will not come back.
        expect(outcome.releaseAgent).toBe(outcome.caller !== 'wait-on-hold');
      }
    }
  });

  it.each(['error', 'system-error', 'queue-full'])('%s with the caller live: cannot hold, the agent is released', (queueResult) => {
    expect(callerQueueEnded({ queueResult, callerStatus: 'in-progress' })).toEqual({
      caller: 'cannot-hold',
      answer: 'cannot-hold',
      releaseAgent: true,
      cleanUp: true,
    });
  });

  it.each(['redirected', 'redirected-from-bridged'])('%s with the caller live: answered with the resume, the agent kept', (queueResult) => {
    expect(callerQueueEnded({ queueResult, callerStatus: 'in-progress' })).toEqual({
      caller: 'wait-on-hold',
      answer: 'take-agent-back',
      releaseAgent: false,
      cleanUp: false,
    });
  });
});

describe("callerStepWhenAgentLegEnded (the agent leg's final status)", () => {
  it.each([
    ['completed', 'agent-left'],
    ['busy', 'agent-unavailable'],
    ['no-answer', 'agent-unavailable'],
    ['failed', 'agent-unavailable'],
    ['canceled', 'agent-unavailable'],
    ['in-progress', 'nothing'],
    ['ringing', 'nothing'],
  ])('%s -> %s', (status, step) => expect(callerStepWhenAgentLegEnded(status)).toBe(step));
});

describe("agentHoldStep (the agent queue's waitUrl)", () => {
  it.each([
    ['live', true, 'announce'],
    ['live', false, 'silence'],
    ['connecting', true, 'announce'],
    ['unknown', true, 'announce'],
    ['unknown', false, 'silence'],
    ['gone', true, 'caller-left'],
    ['gone', false, 'caller-left'],
  ] as const)('caller %s, first request %s -> %s', (caller, first, step) => expect(agentHoldStep(caller, first)).toBe(step));
});

describe('agentLegAmong', () => {
  const A = 'CA' + 'a'.repeat(32);
  const B = 'CA' + 'b'.repeat(32);
  it('prefers the live child, then a ringing one, else none', () => {
    expect(
      agentLegAmong([
        { sid: A, status: 'completed' },
        { sid: B, status: 'in-progress' },
      ]),
    ).toEqual({ kind: 'live', sid: B });
    expect(agentLegAmong([{ sid: A, status: 'ringing' }])).toEqual({ kind: 'connecting', sid: A });
    expect(agentLegAmong([{ sid: A, status: 'no-answer' }])).toEqual({ kind: 'none' });
    expect(agentLegAmong([])).toEqual({ kind: 'none' });
  });
});

describe('resumeStep', () => {
  it('moves the caller only when both wait on hold; never before the first hold', () => {
    const table: [boolean, boolean, boolean, string][] = [];
    for (const everHeld of [false, true]) {
      for (const callerWaiting of [false, true]) {
        for (const agentWaiting of [false, true]) {
          table.push([everHeld, callerWaiting, agentWaiting, resumeStep({ everHeld, callerWaiting, agentWaiting })]);
        }
      }
    }
    expect(table).toEqual([
      [false, false, false, 'never-held'],
      [false, false, true, 'never-held'],
      [false, true, false, 'never-held'],
      [false, true, true, 'never-held'],
      [true, false, false, 'already-live'],
      [true, false, true, 'already-live'],
      [true, true, false, 'agent-not-waiting'],
      [true, true, true, 'bridge'],
    ]);
  });
});

describe('the agent handle', () => {
  const CALLER = 'CA' + '1'.repeat(32);
  const AGENT = 'CA' + 'a'.repeat(32);
  it('round-trips, and binds the caller, the agent and the token', () => {
    const handle = signAgentHandle('token-1', CALLER, AGENT);
    expect(verifyAgentHandle('token-1', CALLER, handle)).toBe(AGENT);
    expect(() => verifyAgentHandle('token-2', CALLER, handle)).toThrow(/not issued for call/);
    expect(() => verifyAgentHandle('token-1', 'CA' + '2'.repeat(32), handle)).toThrow(/not issued for call/);
    const swapped = handle.replace(AGENT, 'CA' + 'b'.repeat(32));
    expect(() => verifyAgentHandle('token-1', CALLER, swapped)).toThrow(/not issued for call/);
    expect(() => verifyAgentHandle('token-1', CALLER, 'h1.garbage')).toThrow(/not a handle/);
  });

  it('accepts only the spelling it wrote: any other last character is refused, even one that decodes to the same MAC', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Many callers, so that last characters of every kind are met (the last carries 2 unused bits).
    for (let i = 0; i < 64; i++) {
      const caller = 'CA' + i.toString(16).padStart(32, '0');
      const handle = signAgentHandle('token-1', caller, AGENT);
      expect(verifyAgentHandle('token-1', caller, handle)).toBe(AGENT);
      for (const last of alphabet) {
        if (last === handle.at(-1)) continue;
        expect(() => verifyAgentHandle('token-1', caller, handle.slice(0, -1) + last)).toThrow(/not issued for call/);
      }
    }
  });
});

describe('holdRulesVerdict (the first hold of a deployment)', () => {
  it.each([
    [{ callerWaiting: true, firstOfThisWait: true }, 'holds'],
    [{ callerWaiting: true, firstOfThisWait: false }, 'holds'],
    [{ callerWaiting: false, callerLeg: 'live' as const, firstOfThisWait: true }, 'look-again'],
    [{ callerWaiting: false, callerLeg: 'live' as const, firstOfThisWait: false }, 'broken'],
    [{ callerWaiting: false, callerLeg: 'gone' as const, firstOfThisWait: false }, 'unknown'],
    [{ callerWaiting: false, callerLeg: 'unknown' as const, firstOfThisWait: false }, 'unknown'],
    [{ callerWaiting: undefined, callerLeg: 'live' as const, firstOfThisWait: false }, 'unknown'],
  ])('%o: %s', (seen, verdict) => expect(holdRulesVerdict(seen)).toBe(verdict));
});
