// The call record's transitions (lib/state/call-record.ts) and what a conference event means for
// it (lib/state/conference-events.ts): pure functions, tested directly.
import {
  applyCallEvent,
  endCall,
  endOfCall,
  MAX_RECORDED_EVENTS,
  newCallRecord,
  newHoldEvents,
  parseCallRecord,
  reportOverdueLimit,
  type CallEvent,
  type CallRecord,
  type HoldEvent,
} from '../../lib/state/call-record';
import { callEventOfConference, parseConferenceStatus } from '../../lib/conference/status-callback';

const CALLER = 'CA' + '1'.repeat(32);
const AGENT = 'CA' + '2'.repeat(32);
const CONF = 'CF' + '3'.repeat(32);
const T0 = new Date('2026-12-03T08:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

function talking(): CallRecord {
  const record = newCallRecord({ callSid: CALLER, mode: 'conference', from: '+15551230000', agent: '+15550100001', at: T0 });
  return applyCallEvent(record, { kind: 'agent-connected', agentCallSid: AGENT, conferenceSid: CONF });
}

describe('call record', () => {
  it('starts ringing the agent, with nothing held', () => {
    expect(newCallRecord({ callSid: CALLER, mode: 'dial', from: '+15551230000', agent: 'client:alice', at: T0 })).toEqual({
      callSid: CALLER,
      mode: 'dial',
      from: '+15551230000',
      agent: 'client:alice',
      state: 'ringing-agent',
      conferenceSid: null,
      agentCallSid: null,
      holds: 0,
      totalHoldSeconds: 0,
      longestHoldSeconds: 0,
      holdStartedAt: null,
      startedAt: '2026-12-03T08:00:00.000Z',
      agentHoldStartedAt: null,
      events: [],
      eventSeq: 0,
      undelivered: [],
      updatedAt: '2026-12-03T08:00:00.000Z',
      endedAt: null,
      incomplete: false,
      linePosition: null,
      waitingSince: null,
    });
  });

  it('a caller in line: waiting with its place and since when; the place follows Twilio; connected, it rings the agent', () => {
    let r = newCallRecord({ callSid: CALLER, mode: 'conference', from: '+15551230000', agent: '+15550100001', at: T0, linePosition: 2 });
    expect(r).toMatchObject({ state: 'waiting', linePosition: 2, waitingSince: '2026-12-03T08:00:00.000Z' });
    r = applyCallEvent(r, { kind: 'line-position', position: 1 });
    expect(r).toMatchObject({ state: 'waiting', linePosition: 1 });
    expect(applyCallEvent(r, { kind: 'line-position', position: 1 })).toBe(r);
    r = applyCallEvent(r, { kind: 'line-left' });
    expect(r).toMatchObject({ state: 'ringing-agent', linePosition: null, waitingSince: null });
    // A late place in line changes nothing once connected.
    expect(applyCallEvent(r, { kind: 'line-position', position: 3 })).toBe(r);
    // A missed line-left: the agent answering ends the wait all the same.
    const waiting = newCallRecord({ callSid: CALLER, mode: 'dial', from: '+15551230000', agent: '+15550100001', at: T0, linePosition: 1 });
    expect(applyCallEvent(waiting, { kind: 'agent-connected', agentCallSid: AGENT })).toMatchObject({
      state: 'talking',
      linePosition: null,
      waitingSince: null,
    });
  });

  it('the end of a hold that ran past its limit unreported reports it once (a timer lost to an outage), and only then', () => {
    const limit = { maxSeconds: 120, lateBySeconds: 10 };
    const held = applyCallEvent(talking(), { kind: 'hold-started', at: at(0) });
    // Within the limit and its lateness, without a limit, or not on hold: nothing to report.
    expect(reportOverdueLimit(held, at(129), limit)).toBe(held);
    expect(reportOverdueLimit(held, at(500), undefined)).toBe(held);
    const live = talking();
    expect(reportOverdueLimit(live, at(500), limit)).toBe(live);
    const reported = reportOverdueLimit(held, at(131), limit);
    const holdEvents = (r: CallRecord) => r.events.filter((e): e is HoldEvent => e.type !== 'call-connected' && e.type !== 'call-summary');
    expect(holdEvents(reported).map((e) => `${e.type}:${e.by}:${e.heldFor}`)).toEqual(['hold:api:0', 'limit-unenforced:limit:131']);
    // Once per hold: a report already made (by the timer or GET /calls) is not made again.
    expect(reportOverdueLimit(reported, at(200), limit)).toBe(reported);
    // The hold still ends as it was going to: the resume follows the report.
    const resumed = applyCallEvent(reported, { kind: 'hold-ended', at: at(131), party: 'caller' });
    expect(resumed.events.map((e) => e.type)).toEqual(['call-connected', 'hold', 'limit-unenforced', 'resume']);
    expect(endCall(reportOverdueLimit(held, at(400), limit), at(400)).events.map((e) => e.type)).toEqual([
      'call-connected',
      'hold',
      'limit-unenforced',
      'hang-up',
      'call-summary',
    ]);
  });

  it('counts holds, total and longest; a hold of a held call and a resume of a live one change nothing', () => {
    let r = talking();
    expect(r).toMatchObject({ state: 'talking', agentCallSid: AGENT, conferenceSid: CONF });
    r = applyCallEvent(r, { kind: 'hold-started', at: at(10) });
    expect(applyCallEvent(r, { kind: 'hold-started', at: at(20) })).toBe(r);
    r = applyCallEvent(r, { kind: 'hold-ended', at: at(70) });
    expect(applyCallEvent(r, { kind: 'hold-ended', at: at(80) })).toBe(r);
    r = applyCallEvent(r, { kind: 'hold-started', at: at(100) });
    r = applyCallEvent(r, { kind: 'hold-ended', at: at(999), heldSeconds: 15 });
    r = applyCallEvent(r, { kind: 'hold-started', at: at(200) });
    r = applyCallEvent(r, { kind: 'hold-ended', at: at(230) });
    expect(r).toMatchObject({ state: 'talking', holds: 3, totalHoldSeconds: 60 + 15 + 30, longestHoldSeconds: 60, holdStartedAt: null });
  });

  it('reports an unenforced hold limit once per hold of the caller, after the resume it tried, and keeps it on a read', () => {
    let r = applyCallEvent(talking(), { kind: 'hold-started', at: at(0) });
    r = applyCallEvent(r, { kind: 'hold-ended', at: at(600), heldSeconds: 600, by: 'limit' });
    r = applyCallEvent(r, { kind: 'limit-unenforced', at: at(600), heldSeconds: 600 });
    expect(applyCallEvent(r, { kind: 'limit-unenforced', at: at(605), heldSeconds: 605 })).toBe(r);
    const holdEvents = r.events.filter((e): e is HoldEvent => e.type !== 'call-connected');
    expect(holdEvents.map((e) => `${e.type}:${e.by}:${e.heldFor}`)).toEqual([
      'hold:api:0',
      'resume:limit:600',
      'limit-unenforced:limit:600',
    ]);
    expect(parseCallRecord(JSON.parse(JSON.stringify(r)))?.events).toEqual(r.events);
    r = applyCallEvent(r, { kind: 'hold-started', at: at(700) });
    r = applyCallEvent(r, { kind: 'limit-unenforced', at: at(1300), heldSeconds: 600 });
    expect(r.events.filter((e) => e.type === 'limit-unenforced')).toHaveLength(2);
  });

  it('a late "agent connected" does not undo a hold', () => {
    const held = applyCallEvent(talking(), { kind: 'hold-started', at: at(5) });
    expect(applyCallEvent(held, { kind: 'agent-connected', agentCallSid: AGENT }).state).toBe('on-hold');
  });

  it('the agent leaving a held caller ends the hold then, or when Twilio measures it (dial mode)', () => {
    const held = applyCallEvent(talking(), { kind: 'hold-started', at: at(0) });
    expect(applyCallEvent(held, { kind: 'agent-gone', at: at(12) })).toMatchObject({
      state: 'agent-gone',
      totalHoldSeconds: 12,
      holdStartedAt: null,
    });
    const later = applyCallEvent(held, { kind: 'agent-gone', at: at(12), holdMeasuredLater: true });
    expect(later).toMatchObject({ state: 'agent-gone', holdStartedAt: held.holdStartedAt });
    expect(applyCallEvent(later, { kind: 'hold-ended', at: at(13), heldSeconds: 11 })).toMatchObject({
      state: 'agent-gone',
      totalHoldSeconds: 11,
      holdStartedAt: null,
    });
    expect(applyCallEvent(later, { kind: 'hold-started', at: at(14) })).toBe(later);
  });

  it("parses stored data back, keeping only the contract's fields, and refuses what is not a record", () => {
    const r = talking();
    expect(parseCallRecord({ ...r, limitWarnedAt: 'later feature' })).toEqual(r);
    expect(parseCallRecord({ ...r, state: 'parked' })).toBeUndefined();
    expect(parseCallRecord({ ...r, holds: -1 })).toBeUndefined();
    expect(parseCallRecord('text')).toBeUndefined();
  });
});

describe('conference status callback', () => {
  const base = { FriendlyName: CALLER, ConferenceSid: CONF, Timestamp: 'Thu, 03 Dec 2026 08:00:30 +0000' };
  const meaning = (params: Record<string, string>) => callEventOfConference(parseConferenceStatus({ ...base, ...params }, T0));

  it("names the caller by the conference's friendly name and tells the agent by its CallSid", () => {
    expect(meaning({ StatusCallbackEvent: 'participant-join', CallSid: CALLER })).toBeUndefined();
    expect(meaning({ StatusCallbackEvent: 'participant-join', CallSid: AGENT })).toEqual({
      kind: 'agent-connected',
      agentCallSid: AGENT,
      conferenceSid: CONF,
    });
    expect(meaning({ StatusCallbackEvent: 'participant-hold', CallSid: CALLER })).toEqual({
      kind: 'hold-started',
      at: at(30),
      party: 'caller',
    });
    expect(meaning({ StatusCallbackEvent: 'participant-unhold', CallSid: CALLER })).toEqual({
      kind: 'hold-ended',
      at: at(30),
      party: 'caller',
    });
    expect(meaning({ StatusCallbackEvent: 'participant-hold', CallSid: AGENT })).toEqual({
      kind: 'hold-started',
      at: at(30),
      party: 'agent',
    });
    expect(meaning({ StatusCallbackEvent: 'participant-leave', CallSid: AGENT })).toEqual({ kind: 'agent-gone', at: at(30) });
    expect(meaning({ StatusCallbackEvent: 'participant-leave', CallSid: CALLER })).toBe('call-ended');
    expect(meaning({ StatusCallbackEvent: 'conference-end' })).toBe('call-ended');
    expect(meaning({ StatusCallbackEvent: 'participant-mute', CallSid: CALLER })).toBeUndefined();
  });

  it("with a hold limit, marks the agent's hold as possibly the limit's timer, which the record does not book", () => {
    const withLimit = callEventOfConference(
      parseConferenceStatus({ ...base, StatusCallbackEvent: 'participant-hold', CallSid: AGENT }, T0),
      true,
    );
    expect(withLimit).toEqual({ kind: 'hold-started', at: at(30), party: 'agent', limitTimer: true });
    const held = applyCallEvent(talking(), { kind: 'hold-started', at: at(20) });
    expect(applyCallEvent(held, withLimit as CallEvent)).toBe(held);
    // Nor before the caller's hold is booked: the two callbacks of one hold may be booked in either
    // order (the hold limit's property test met the timer's first).
    const live = talking();
    expect(applyCallEvent(live, withLimit as CallEvent)).toBe(live);
  });

  it('uses its own clock without a Timestamp, and refuses a conference not named after a call', () => {
    expect(parseConferenceStatus({ FriendlyName: CALLER, ConferenceSid: CONF, StatusCallbackEvent: 'conference-end' }, T0).at).toEqual(T0);
    expect(() => parseConferenceStatus({ ...base, FriendlyName: 'sales', StatusCallbackEvent: 'conference-end' }, T0)).toThrow(
      /FriendlyName/,
    );
  });
});

describe('hold events', () => {
  const event = (type: string, party: string, t: number, heldFor: number, by = 'api') => ({
    id: expect.stringMatching(/^evt_CA1{32}_\d+$/),
    type,
    callSid: CALLER,
    party,
    mode: 'conference',
    at: at(t).toISOString(),
    heldFor,
    by,
  });
  const holdEvents = (r: CallRecord) => r.events.filter((e) => e.type !== 'call-connected');

  it("records every hold and resume of either party; only the caller's count in the metrics", () => {
    let r = talking();
    r = applyCallEvent(r, { kind: 'hold-started', at: at(10) });
    r = applyCallEvent(r, { kind: 'hold-started', at: at(15), party: 'agent' });
    r = applyCallEvent(r, { kind: 'hold-ended', at: at(40), party: 'agent' });
    r = applyCallEvent(r, { kind: 'hold-ended', at: at(70), by: 'limit' });
    expect(holdEvents(r)).toEqual([
      event('hold', 'caller', 10, 0),
      event('hold', 'agent', 15, 0),
      event('resume', 'agent', 40, 25),
      event('resume', 'caller', 70, 60, 'limit'),
    ]);
    expect(r).toMatchObject({ holds: 1, totalHoldSeconds: 60, longestHoldSeconds: 60, holdStartedAt: null, agentHoldStartedAt: null });
  });

  it('newHoldEvents gives what a step added, nothing for a no-op', () => {
    const before = applyCallEvent(talking(), { kind: 'hold-started', at: at(10) });
    const after = applyCallEvent(before, { kind: 'hold-ended', at: at(20) });
    expect(newHoldEvents(before, after)).toEqual([event('resume', 'caller', 20, 10)]);
    expect(newHoldEvents(before, applyCallEvent(before, { kind: 'hold-started', at: at(15) }))).toEqual([]);
    expect(newHoldEvents(talking(), before)).toEqual([event('hold', 'caller', 10, 0)]);
  });

  it('the agent gone during a hold is a hang-up; measured later (dial mode) it comes with the measure', () => {
    const held = applyCallEvent(talking(), { kind: 'hold-started', at: at(10) });
    expect(applyCallEvent(held, { kind: 'agent-gone', at: at(30) }).events.at(-1)).toEqual(event('hang-up', 'caller', 30, 20));
    const gone = applyCallEvent(held, { kind: 'agent-gone', at: at(30), holdMeasuredLater: true });
    expect(holdEvents(gone)).toHaveLength(1);
    expect(applyCallEvent(gone, { kind: 'hold-ended', at: at(31), heldSeconds: 21 }).events.at(-1)).toEqual(
      event('hang-up', 'caller', 31, 21),
    );
  });

  it('at the end of the call: a running hold is a hang-up, then the summary', () => {
    let r = applyCallEvent(talking(), { kind: 'hold-started', at: at(10) });
    r = applyCallEvent(r, { kind: 'hold-ended', at: at(20) });
    r = applyCallEvent(r, { kind: 'hold-started', at: at(30) });
    const end = endOfCall(r, at(75));
    expect(end.events).toEqual([event('hang-up', 'caller', 75, 45)]);
    expect(end.summary).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'call-summary',
      callSid: CALLER,
      mode: 'conference',
      startedAt: T0.toISOString(),
      endedAt: at(75).toISOString(),
      holds: 2,
      totalHoldSeconds: 55,
      longestHoldSeconds: 45,
    });
    expect(endOfCall(talking(), at(80)).events).toEqual([]);
  });

  it('numbers each event once: ids unique per call, the same whatever re-runs the change', () => {
    const connected = talking();
    expect(connected.events).toEqual([
      expect.objectContaining({ id: `evt_${CALLER}_1`, type: 'call-connected', agentCallSid: AGENT, conferenceSid: CONF }),
    ]);
    let r = applyCallEvent(connected, { kind: 'hold-started', at: at(10) });
    // A race re-runs a change on the same record: the same event gets the same id.
    expect(applyCallEvent(connected, { kind: 'hold-started', at: at(10) }).events).toEqual(r.events);
    r = applyCallEvent(r, { kind: 'hold-ended', at: at(20) });
    r = endCall(r, at(30));
    expect(r.events.map((e) => e.id)).toEqual([1, 2, 3, 4].map((n) => `evt_${CALLER}_${n}`));
    expect(r.events.at(-1)).toMatchObject({ type: 'call-summary', holds: 1 });
    expect(r.endedAt).toBe(at(30).toISOString());
    // An ended call's record changes no more: late callbacks (the agent's leave, the end) add nothing.
    expect(applyCallEvent(r, { kind: 'agent-gone', at: at(31) })).toBe(r);
    expect(endCall(r, at(32))).toBe(r);
  });

  it('keeps the last 40 events; reads records written before events had ids', () => {
    let r = talking();
    for (let i = 0; i < 30; i += 1) {
      r = applyCallEvent(r, { kind: 'hold-started', at: at(2 * i) });
      r = applyCallEvent(r, { kind: 'hold-ended', at: at(2 * i + 1) });
    }
    expect(r.events).toHaveLength(MAX_RECORDED_EVENTS);
    expect(r.holds).toBe(30);
    const {
      agentHoldStartedAt: _a,
      events: _e,
      eventSeq: _s,
      undelivered: _u,
      updatedAt: _t,
      endedAt: _n,
      incomplete: _i,
      ...old
    } = talking();
    expect(parseCallRecord(old)).toEqual({ ...talking(), events: [], eventSeq: 0, updatedAt: T0.toISOString() });
    expect(parseCallRecord({ ...talking(), events: [{ type: 'nonsense' }, r.events[0]] })!.events).toEqual([r.events[0]]);
  });
});
