// GET /calls' list (lib/state/reconcile.ts): records checked against Twilio's own state.
import { applyCallEvent, endCall, newCallRecord, type CallRecord } from '../../lib/state/call-record';
import { reconcileCalls, type LiveCall } from '../../lib/state/reconcile';

const CALLER = 'CA' + '1'.repeat(32);
const OTHER = 'CA' + '4'.repeat(32);
const AGENT = 'CA' + '2'.repeat(32);
const T0 = new Date('2026-12-03T08:00:00.000Z');

function talking(callSid = CALLER): CallRecord {
  const record = newCallRecord({ callSid, mode: 'dial', from: '+15551230000', agent: '+15550100001', at: T0 });
  return { ...applyCallEvent(record, { kind: 'agent-connected', agentCallSid: AGENT }, T0), updatedAt: '2026-12-03T08:00:05.000Z' };
}

const live = (fields: Partial<LiveCall> = {}): LiveCall => ({
  callSid: CALLER,
  mode: 'dial',
  connected: true,
  callerHeld: false,
  agentHeld: false,
  conferenceSid: null,
  agentCallSid: AGENT,
  startedAt: T0.toISOString(),
  from: '+15551230000',
  proven: true,
  ...fields,
});

describe('reconciled call list', () => {
  it('a record that agrees with Twilio is listed as it is', () => {
    const [listed] = reconcileCalls([talking()], [live()], '+15550100001');
    expect(listed).toMatchObject({ state: 'talking', holds: 0, incomplete: false });
    expect(listed).not.toHaveProperty('undelivered');
  });

  it('a missed hold: on hold from the last write, counted, incomplete; a missed resume: talking, incomplete', () => {
    expect(reconcileCalls([talking()], [live({ callerHeld: true })], '')[0]).toMatchObject({
      state: 'on-hold',
      holds: 1,
      holdStartedAt: '2026-12-03T08:00:05.000Z',
      incomplete: true,
    });
    const held = applyCallEvent(talking(), { kind: 'hold-started', at: T0 });
    expect(reconcileCalls([held], [live()], '')[0]).toMatchObject({ state: 'talking', holdStartedAt: null, holds: 1, incomplete: true });
  });

  it("a live call without a record is listed from Twilio's state, incomplete; an unproven one is not", () => {
    expect(reconcileCalls([], [live({ callerHeld: true }), live({ callSid: OTHER, proven: false })], 'client:alice')).toEqual([
      expect.objectContaining({
        callSid: CALLER,
        state: 'on-hold',
        agent: 'client:alice',
        agentCallSid: AGENT,
        holds: 1,
        incomplete: true,
      }),
    ]);
  });

  it('a record of a call Twilio no longer has, or of an ended call, is not listed', () => {
    expect(reconcileCalls([talking(), talking(OTHER)], [live()], '').map((c) => c.callSid)).toEqual([CALLER]);
    expect(reconcileCalls([endCall(talking(), T0)], [live()], '')[0]).toMatchObject({ incomplete: true, holds: 0 });
  });

  it("without Twilio's state, the records that are not ended; without records, Twilio's state", () => {
    expect(reconcileCalls([talking(), endCall(talking(OTHER), T0)], undefined, '').map((c) => c.callSid)).toEqual([CALLER]);
    expect(reconcileCalls(undefined, [live()], '')).toEqual([
      expect.objectContaining({ callSid: CALLER, state: 'talking', incomplete: true }),
    ]);
  });

  it("past the cap of participant reads, the held state is the record's", () => {
    const held = applyCallEvent(talking(), { kind: 'hold-started', at: T0 });
    expect(reconcileCalls([held], [live({ callerHeld: undefined, agentHeld: undefined })], '')[0]).toMatchObject({
      state: 'on-hold',
      incomplete: false,
    });
  });

  it("a recorded call still ringing stays ringing though its agent leg is up (screening: not yet accepted); one made again after a loss takes Twilio's word", () => {
    const ringing = newCallRecord({ callSid: CALLER, mode: 'dial', from: '+15551230000', agent: '+15550100001', at: T0 });
    expect(reconcileCalls([ringing], [live()], '')[0]).toMatchObject({ state: 'ringing-agent' });
    expect(reconcileCalls([{ ...ringing, incomplete: true }], [live()], '')[0]).toMatchObject({ state: 'talking' });
  });

  it("with a hold limit, a conference agent held while its caller is held is the limit's timer, not a hold of its own", () => {
    const held = applyCallEvent({ ...talking(), mode: 'conference' }, { kind: 'hold-started', at: T0 });
    const timer = live({ mode: 'conference', callerHeld: true, agentHeld: true });
    expect(reconcileCalls([held], [timer], '', T0, true)[0]).toMatchObject({
      state: 'on-hold',
      agentHoldStartedAt: null,
      incomplete: false,
    });
    // Without a limit it is the agent's own hold, which the record missed.
    expect(reconcileCalls([held], [timer], '', T0, false)[0]).toMatchObject({
      agentHoldStartedAt: '2026-12-03T08:00:05.000Z',
      incomplete: true,
    });
    // The agent held alone (Participant=agent) is its own hold, limit or not.
    const agentOnly = live({ mode: 'conference', callerHeld: false, agentHeld: true });
    expect(reconcileCalls([{ ...talking(), mode: 'conference' }], [agentOnly], '', T0, true)[0]).toMatchObject({
      agentHoldStartedAt: '2026-12-03T08:00:05.000Z',
    });
  });

  it('a caller waiting in line, whom the live state does not show, is listed from its record', () => {
    const waiting = newCallRecord({
      callSid: OTHER,
      mode: 'conference',
      from: '+15551230001',
      agent: '+15550100001',
      at: T0,
      linePosition: 1,
    });
    expect(reconcileCalls([talking(), waiting], [live()], '').map((c) => [c.callSid, c.state, c.linePosition])).toEqual([
      [CALLER, 'talking', null],
      [OTHER, 'waiting', 1],
    ]);
  });
});
