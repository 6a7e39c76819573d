// Dial mode's decision logic, exhaustively: for each state, which leg moves and what comes next.
import {
  ASK_AGENT_LEG,
  ASK_CALLER_LEG,
  ASK_HOLD_QUEUE,
  agentLegAmong,
  agentLegMustMove,
  agentStepWhenQueueDialEnded,
  callerStepWhenAgentLegEnded,
  callerStepWhenBridgeEnded,
  holdQueueOutcomeWhenBridgeEnded,
  legStateOf,
  readAgentDialEnd,
  readAgentLegStatus,
  readCallerDialEnd,
  readHoldQueueEnd,
  type LegState,
} from '../../lib/dial/decisions';

const CALL_STATUSES = ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'];
const ENDED = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];
const LEG_STATES: LegState[] = ['live', 'connecting', 'gone', 'unknown'];

describe('legStateOf', () => {
  it.each([
    ['queued', 'connecting'],
    ['initiated', 'connecting'],
    ['ringing', 'connecting'],
    ['in-progress', 'live'],
    ...ENDED.map((status) => [status, 'gone']),
  ])('%s is %s', (status, state) => {
    expect(legStateOf(status)).toBe(state);
  });
});

describe("the caller's <Dial> action", () => {
  it.each(['busy', 'no-answer', 'failed', 'canceled'])('DialCallStatus=%s with the caller live: an apology (agent never reached)', (dial) => {
    expect(readCallerDialEnd({ dialCallStatus: dial, callerStatus: 'in-progress' })).toBe('agent-unavailable');
  });

  it('DialCallStatus=completed with the caller live: depends on the agent leg, so ask', () => {
    expect(readCallerDialEnd({ dialCallStatus: 'completed', callerStatus: 'in-progress' })).toBe(ASK_AGENT_LEG);
  });

  it.each(ENDED.flatMap((caller) => ['completed', 'busy', 'no-answer', 'failed', 'canceled'].map((dial) => [caller, dial])))(
    'caller %s (DialCallStatus=%s): nothing, and no read (the answer is ignored)',
    (caller, dial) => {
      expect(readCallerDialEnd({ dialCallStatus: dial, callerStatus: caller })).toBe('nothing');
    },
  );

  it.each([
    ['live', 'wait-on-hold'],
    ['unknown', 'wait-on-hold'],
    ['connecting', 'wait-on-hold'],
    ['gone', 'agent-left'],
  ] as const)('after the bridge ended, agent leg %s -> the caller %s', (agent, step) => {
    expect(callerStepWhenBridgeEnded(agent)).toBe(step);
  });
});

describe("the caller's <Enqueue> action", () => {
  const live = 'in-progress';

  it('hangup (the caller hung up while held): release the agent, delete the queue', () => {
    expect(readHoldQueueEnd({ queueResult: 'hangup', callerStatus: 'completed' })).toEqual({
      caller: 'nothing',
      releaseAgent: true,
      deleteQueue: true,
    });
  });

  it('bridged with the caller gone (hung up after a resume): release the agent, delete the queue, no read', () => {
    expect(readHoldQueueEnd({ queueResult: 'bridged', callerStatus: 'completed' })).toEqual({
      caller: 'nothing',
      releaseAgent: true,
      deleteQueue: true,
    });
  });

  it.each(['redirected', 'redirected-from-bridged'])('%s: the new TwiML runs; the agent is left alone; delete the queue', (result) => {
    expect(readHoldQueueEnd({ queueResult: result, callerStatus: live })).toEqual({
      caller: 'nothing',
      releaseAgent: false,
      deleteQueue: true,
    });
  });

  it.each(['error', 'system-error', 'queue-full'])('%s: the caller cannot be held: apology, release the agent, delete the queue', (result) => {
    expect(readHoldQueueEnd({ queueResult: result, callerStatus: live })).toEqual({
      caller: 'cannot-hold',
      releaseAgent: true,
      deleteQueue: true,
    });
  });

  it.each(['bridged', 'bridging-in-process', 'leave', 'something-new'])('%s with the caller live: depends on the agent leg, so ask', (result) => {
    expect(readHoldQueueEnd({ queueResult: result, callerStatus: live })).toBe(ASK_AGENT_LEG);
  });

  it('a live agent leg (a new hold moved it): the caller waits again, and the queue is kept for it', () => {
    expect(holdQueueOutcomeWhenBridgeEnded('live')).toEqual({ caller: 'wait-on-hold', releaseAgent: false, deleteQueue: false });
    expect(holdQueueOutcomeWhenBridgeEnded('unknown')).toEqual({ caller: 'wait-on-hold', releaseAgent: false, deleteQueue: false });
  });

  it('the agent hung up after a resume: the caller is told; the queue goes', () => {
    expect(holdQueueOutcomeWhenBridgeEnded('gone')).toEqual({ caller: 'agent-left', releaseAgent: false, deleteQueue: true });
  });

  it('never both tells the caller to wait and deletes its queue, whatever the state', () => {
    for (const agent of LEG_STATES) {
      const outcome = holdQueueOutcomeWhenBridgeEnded(agent);
      expect(outcome.caller === 'wait-on-hold' && outcome.deleteQueue).toBe(false);
    }
  });
});

describe("the agent's <Dial><Queue> action (after a resume)", () => {
  it.each(ENDED)('agent leg %s: nothing (it hung up or the answer is ignored), no read', (status) => {
    expect(readAgentDialEnd({ agentStatus: status })).toBe('nothing');
  });

  it('agent leg live: depends on the caller leg, so ask', () => {
    expect(readAgentDialEnd({ agentStatus: 'in-progress' })).toBe(ASK_CALLER_LEG);
  });

  it.each([
    ['gone', 'caller-left'],
    ['live', 'hold-loop'],
    ['connecting', 'hold-loop'],
    ['unknown', 'hold-loop'],
  ] as const)('caller leg %s -> the agent %s', (caller, step) => {
    expect(agentStepWhenQueueDialEnded(caller)).toBe(step);
  });
});

describe("the agent leg's status callback", () => {
  it.each(CALL_STATUSES)('CallStatus=%s', (status) => {
    expect(readAgentLegStatus(status)).toBe(status === 'completed' ? ASK_HOLD_QUEUE : 'nothing');
  });

  it('tells the caller only when it waits in the hold queue (nobody else would)', () => {
    expect(callerStepWhenAgentLegEnded(true)).toBe('agent-left');
    expect(callerStepWhenAgentLegEnded(false)).toBe('nothing');
  });
});

describe('the hold/unhold API', () => {
  it('finds the live agent leg among the children', () => {
    expect(agentLegAmong([{ sid: 'CA1', status: 'completed' }, { sid: 'CA2', status: 'in-progress' }])).toEqual({ kind: 'live', sid: 'CA2' });
  });

  it.each(['queued', 'ringing'])('a %s agent leg is not connected yet', (status) => {
    expect(agentLegAmong([{ sid: 'CA1', status }])).toEqual({ kind: 'connecting' });
  });

  it('no children, or only ended ones: none', () => {
    expect(agentLegAmong([])).toEqual({ kind: 'none' });
    expect(agentLegAmong(ENDED.map((status, i) => ({ sid: `CA${i}`, status })))).toEqual({ kind: 'none' });
  });

  it('hold always moves the agent leg (re-holding is harmless)', () => {
    for (const waiting of [true, false, undefined]) expect(agentLegMustMove(true, waiting)).toBe(true);
  });

  it('resume moves the agent leg unless the caller is known not to be waiting (then it is a no-op)', () => {
    expect(agentLegMustMove(false, true)).toBe(true);
    expect(agentLegMustMove(false, false)).toBe(false);
    expect(agentLegMustMove(false, undefined)).toBe(true);
  });
});
