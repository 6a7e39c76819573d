// Who hears what (lib/state/hearing.ts), the `hears` field of GET /calls, in every state of both modes.
import { whoHearsWhat } from '../../lib/state/hearing';

const plain = { reminders: false };
const withReminders = { reminders: true };

describe('whoHearsWhat', () => {
  it.each([
    ['conference', 'ringing-agent', null, plain, { caller: 'music', agent: null }],
    ['dial', 'ringing-agent', null, plain, { caller: 'ringing', agent: null }],
    ['conference', 'talking', null, plain, { caller: 'the-agent', agent: 'the-caller' }],
    ['dial', 'talking', null, plain, { caller: 'the-agent', agent: 'the-caller' }],
    ['conference', 'on-hold', null, plain, { caller: 'music', agent: 'silence' }],
    ['dial', 'on-hold', null, withReminders, { caller: 'music-and-reminders', agent: 'silence' }],
    ['conference', 'talking', '2026-12-06T20:00:00.000Z', withReminders, { caller: 'silence', agent: 'music-and-reminders' }],
    ['conference', 'on-hold', '2026-12-06T20:00:00.000Z', plain, { caller: 'music', agent: 'music' }],
    // An agent hold is a conference-mode thing: dial mode never has one.
    ['dial', 'talking', '2026-12-06T20:00:00.000Z', plain, { caller: 'the-agent', agent: 'the-caller' }],
    ['conference', 'waiting', null, withReminders, { caller: 'music-and-reminders', agent: null }],
    ['dial', 'waiting', null, plain, { caller: 'music', agent: null }],
    ['conference', 'agent-gone', null, plain, { caller: 'nobody', agent: null }],
    ['dial', 'a-state-added-later', null, plain, { caller: 'nobody', agent: null }],
  ] as const)('%s mode, %s (agent held since %s, %j): %j', (mode, state, agentHoldStartedAt, config, expected) => {
    expect(whoHearsWhat({ mode, state, agentHoldStartedAt }, config)).toEqual(expected);
  });
});
