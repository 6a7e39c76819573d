// The example client's view of each call (examples/hold-client.ts, NewestState): answers and list
// reads ordered by the rule of docs/hold-api.md, "Ordering answers", whatever order they arrive in.
import { type CallList, type HoldAnswer, type LiveCall, NewestState } from '../../examples/hold-client';

const CALL = 'CA' + '1'.repeat(32);
const at = (second: number) => `2026-12-03T08:01:${String(second).padStart(2, '0')}.000Z`;

function answer(held: boolean, after: number, applied: number): HoldAnswer {
  return { callSid: CALL, mode: 'conference', held, appliedAfter: at(after), appliedAt: at(applied) };
}

function list(state: 'talking' | 'on-hold', updatedAt: number): CallList {
  const call = { callSid: CALL, mode: 'conference', state, updatedAt: at(updatedAt) } as LiveCall;
  return { calls: [call], recordsAvailable: true, liveStateAvailable: true, emulator: true };
}

describe('NewestState', () => {
  it('keeps the answer certainly applied last, whatever order the answers arrive in', () => {
    const states = new NewestState();
    states.fromAnswer(answer(false, 5, 6));
    states.fromAnswer(answer(true, 1, 2));
    expect(states.held(CALL)).toBe(false);
  });

  it('overlapping answers that disagree are unknown until a list read that began after them', () => {
    const states = new NewestState();
    states.fromAnswer(answer(true, 1, 4));
    states.fromAnswer(answer(false, 2, 3));
    expect(states.held(CALL)).toBe('unknown');
    // A read that began inside the windows orders nothing.
    states.fromList(list('talking', 3));
    expect(states.held(CALL)).toBe('unknown');
    states.fromList(list('on-hold', 5));
    expect(states.held(CALL)).toBe(true);
  });

  it('overlapping answers that agree give their state', () => {
    const states = new NewestState();
    states.fromAnswer(answer(false, 0, 1));
    states.fromAnswer(answer(true, 2, 5));
    states.fromAnswer(answer(true, 3, 4));
    expect(states.held(CALL)).toBe(true);
  });

  it('an answer older than the list read is ignored; a newer one wins over it; an older read arriving late changes nothing', () => {
    const states = new NewestState();
    expect(states.held(CALL)).toBeUndefined();
    states.fromList(list('talking', 5));
    states.fromAnswer(answer(true, 1, 2));
    expect(states.held(CALL)).toBe(false);
    states.fromAnswer(answer(true, 6, 7));
    expect(states.held(CALL)).toBe(true);
    states.fromList(list('talking', 4));
    expect(states.held(CALL)).toBe(true);
  });
});
