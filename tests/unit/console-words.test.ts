// What the hold console says (assets-src/console/words.ts): durations, states, announcements and
// errors in words. The page itself is tested in Chromium (tests/browser/console.test.ts).
import {
  type ListedCall,
  actionFor,
  actionPossible,
  agentInWords,
  appliedBefore,
  announcement,
  duration,
  errorInWords,
  eventInWords,
  hearingInWords,
  lastAnswer,
  mayBeLast,
  newestState,
  ordinal,
  outcomeInWords,
  recordCaughtUp,
  stateLine,
  runningHoldSeconds,
  totalHoldSeconds,
} from '../../assets-src/console/words';

const call = (fields: Partial<ListedCall> = {}): ListedCall => ({
  callSid: 'CA' + '1'.repeat(32),
  mode: 'conference',
  from: '+15551230000',
  agent: '+15550100001',
  state: 'talking',
  conferenceSid: null,
  agentCallSid: null,
  holds: 0,
  totalHoldSeconds: 0,
  longestHoldSeconds: 0,
  holdStartedAt: null,
  startedAt: '2026-12-03T08:00:00.000Z',
  agentHoldStartedAt: null,
  events: [],
  updatedAt: '2026-12-03T08:00:00.000Z',
  incomplete: false,
  linePosition: null,
  waitingSince: null,
  ...fields,
});

describe("the console's words", () => {
  it('writes durations as m:ss or h:mm:ss', () => {
    expect([0, 7, 59, 60, 754, 3599, 3600, 3723].map(duration)).toEqual([
      '0:00',
      '0:07',
      '0:59',
      '1:00',
      '12:34',
      '59:59',
      '1:00:00',
      '1:02:03',
    ]);
  });

  it('runs the hold timer from holdStartedAt, and adds it to the total', () => {
    const held = call({ state: 'on-hold', holdStartedAt: '2026-12-03T08:01:00.000Z', totalHoldSeconds: 30 });
    const now = Date.parse('2026-12-03T08:01:42.900Z');
    expect(runningHoldSeconds(held, now)).toBe(42);
    expect(totalHoldSeconds(held, now)).toBe(72);
    expect(runningHoldSeconds(call(), now)).toBe(0);
  });

  it('announces what changed, in the words of a person', () => {
    expect(announcement(call(), call({ state: 'on-hold' }))).toBe('Call from +15551230000 is on hold.');
    expect(announcement(call({ state: 'on-hold' }), call())).toBe('Call from +15551230000 is back with the agent.');
    expect(announcement(call({ state: 'ringing-agent' }), call())).toBe('Call from +15551230000 is talking to the agent.');
    expect(announcement(call(), call({ state: 'agent-gone' }))).toBe('The agent has left the call from +15551230000.');
    expect(announcement(undefined, call({ state: 'ringing-agent' }))).toBe('New call from +15551230000, ringing the agent.');
    expect(announcement(call(), undefined)).toBe('The call from +15551230000 has ended.');
    expect(announcement(call(), call({ holds: 3 }))).toBeUndefined();
  });

  it('says what went wrong without a status code, and "That token was refused" for a 401', () => {
    expect(errorInWords({ status: 401, body: { error: 'unauthorized', message: 'wrong token' } })).toBe('That token was refused.');
    expect(errorInWords({ status: 502, body: { message: 'Twilio refused to hold the caller: Injected fault' } })).toBe(
      'Twilio did not do it (Twilio refused to hold the caller: Injected fault). Nothing changed; try again.',
    );
    expect(errorInWords({ status: 409, body: { message: 'call CA1 is not connected to the agent yet' } })).toBe(
      'Not possible right now (call CA1 is not connected to the agent yet).',
    );
    expect(errorInWords({ status: 404 })).toBe('That call is not live any more.');
    expect(errorInWords(undefined)).toMatch(/^Could not reach the service/);
    expect(errorInWords({ status: 504, body: { message: 'no answer' } })).toMatch(/may or may not have changed/);
  });

  it('offers Hold when talking, Resume when on hold, neither while ringing or after the agent left', () => {
    expect(actionFor(call())).toBe('hold');
    expect(actionFor(call({ state: 'on-hold' }))).toBe('unhold');
    expect([call({ state: 'ringing-agent' }), call({ state: 'agent-gone' })].map(actionPossible)).toEqual([false, false]);
    expect(outcomeInWords('hold', true)).toBe('On hold.');
    expect(outcomeInWords('unhold', false)).toBe('Resumed.');
  });

  it('names browser and SIP agents', () => {
    expect(agentInWords('client:alice')).toBe('alice (browser)');
    expect(agentInWords('sip:desk@example.com')).toBe('sip:desk@example.com (SIP)');
  });
});

describe('who hears what, the events and the line, in words', () => {
  it('says what each party hears, and "not connected" for no agent leg', () => {
    expect(hearingInWords('music-and-reminders')).toBe('hold music and reminders');
    expect(hearingInWords('the-agent')).toBe('the agent');
    expect(hearingInWords(null)).toBe('not connected');
  });

  it('says each event with who and by whom, and an unknown type as it is', () => {
    const at = '2026-12-03T08:01:00.000Z';
    const time = () => '08:01:00';
    expect(eventInWords({ type: 'hold', party: 'caller', at, heldFor: 0, by: 'api' }, time)).toBe(
      "08:01:00 caller put on hold by the agent's software",
    );
    expect(eventInWords({ type: 'resume', party: 'caller', at, heldFor: 600, by: 'limit' }, time)).toBe(
      '08:01:00 caller taken off hold by the hold limit, after 10:00 on hold',
    );
    expect(eventInWords({ type: 'warning', party: 'agent', at, heldFor: 540 }, time)).toBe(
      '08:01:00 the agent was warned of the hold limit, after 9:00 on hold',
    );
    expect(eventInWords({ type: 'screened-out', at }, time)).toBe('08:01:00 screened out');
    expect(eventInWords({ type: 'call-connected', at }, time)).toBe('08:01:00 connected to the agent');
  });

  it('gives a waiting caller its place in line', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
    ]);
    expect(stateLine({ state: 'waiting', linePosition: 2 })).toBe('waiting in line (2nd)');
    expect(stateLine({ state: 'talking', linePosition: null })).toBe('talking');
  });
});

describe('the newest of answers and records (appliedAt against updatedAt)', () => {
  const record = call({ state: 'talking', updatedAt: '2026-12-03T08:01:00.000Z', hears: { caller: 'the-agent', agent: 'the-caller' } });

  it('shows a newer answer until the record catches up', () => {
    const answer = { held: true, appliedAt: '2026-12-03T08:01:05.000Z' };
    const shown = newestState(record, answer);
    expect(shown).toMatchObject({
      state: 'on-hold',
      holdStartedAt: answer.appliedAt,
      holds: 1,
      hears: { caller: 'music', agent: 'silence' },
    });
    expect(recordCaughtUp(record, answer)).toBe(false);
    const later = call({ state: 'talking', updatedAt: '2026-12-03T08:01:06.000Z' });
    expect(newestState(later, answer)).toBe(later);
    expect(recordCaughtUp(later, answer)).toBe(true);
  });

  it('keeps the record when the answer is older, agrees, or the record has no updatedAt', () => {
    expect(newestState(record, { held: true, appliedAt: '2026-12-03T08:00:59.000Z' })).toBe(record);
    expect(newestState(record, { held: false, appliedAt: '2026-12-03T08:01:05.000Z' })).toBe(record);
    // A service from before the ordered answers: the record carries no updatedAt.
    const { updatedAt: _none, ...withoutUpdatedAt } = call({ state: 'talking' });
    const old = withoutUpdatedAt as ListedCall;
    expect(newestState(old, { held: true, appliedAt: '2026-12-03T08:01:05.000Z' })).toBe(old);
  });
});

describe('answers in the order Twilio applied them (appliedAfter..appliedAt windows)', () => {
  const at = (second: number) => `2026-12-03T08:01:${String(second).padStart(2, '0')}.000Z`;
  const hold = (after: number, applied: number) => ({ held: true, appliedAfter: at(after), appliedAt: at(applied) });
  const resume = (after: number, applied: number) => ({ held: false, appliedAfter: at(after), appliedAt: at(applied) });

  it("orders X before Y only when X's window closed before Y's opened", () => {
    expect(appliedBefore(hold(1, 2), resume(3, 4))).toBe(true);
    expect(appliedBefore(resume(3, 4), hold(1, 2))).toBe(false);
    // Overlapping, or touching at the same millisecond: no order either way.
    expect(appliedBefore(hold(1, 3), resume(2, 4))).toBe(false);
    expect(appliedBefore(resume(2, 4), hold(1, 3))).toBe(false);
    expect(appliedBefore(hold(1, 2), resume(2, 3))).toBe(false);
  });

  it('the answer certainly applied last gives the state, whatever order the answers arrived in', () => {
    expect(lastAnswer([resume(5, 6), hold(1, 2), hold(3, 4)])).toEqual(resume(5, 6));
    expect(mayBeLast([resume(5, 6), hold(1, 2), hold(3, 4)])).toEqual([resume(5, 6)]);
  });

  it('overlapping last answers that agree give their state, as of the latest of them', () => {
    expect(lastAnswer([resume(1, 2), hold(3, 6), hold(4, 5)])).toEqual(hold(3, 6));
  });

  it('overlapping last answers that disagree: unknown (the list read says), even if an older one agrees', () => {
    expect(lastAnswer([hold(1, 4), resume(2, 3)])).toBe('unknown');
    expect(lastAnswer([hold(0, 1), hold(2, 5), resume(3, 4)])).toBe('unknown');
    expect(mayBeLast([hold(0, 1), hold(2, 5), resume(3, 4)])).toEqual([hold(2, 5), resume(3, 4)]);
    expect(lastAnswer([])).toBeUndefined();
  });

  it('an answer without appliedAfter (a service from before it) is never certainly after another', () => {
    const old = { held: false, appliedAt: at(9) };
    expect(appliedBefore(hold(1, 2), old)).toBe(false);
    expect(lastAnswer([hold(1, 2), old])).toBe('unknown');
    expect(lastAnswer([old])).toEqual(old);
  });
});
