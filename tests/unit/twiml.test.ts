// lib/platform/twiml.ts writes TwiML without the twilio package; what it writes must be exactly
// what twilio's VoiceResponse writes for the same verbs (the reference every Twilio example uses),
// including escaping, for any text and any attribute value.
import fc from 'fast-check';
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import * as t from '../../lib/platform/twiml';
import { sayAndHangUp, emptyTwiml } from '../../lib/shared/caller-prompts';
import { callerJoinsConference } from '../../lib/conference/call';
import {
  agentHoldTwiml,
  agentQueueRejoins,
  agentWaitsOnHold,
  callerDialsAgent,
  callerTakesAgentBack,
  callerWaitsOnHold,
} from '../../lib/dial/twiml';
import { parseTwiml } from '../support/twiml';

/** VoiceResponse's output, or 'throws'. */
function reference(build: (r: VoiceResponse) => void): string {
  try {
    const response = new VoiceResponse();
    build(response);
    return response.toString();
  } catch {
    return 'throws';
  }
}

function ours(build: () => t.Twiml): string {
  try {
    return build().toString();
  } catch {
    return 'throws';
  }
}

/** XML 1.0's Char production: no C0 control but tab, newline and CR; no U+FFFE/U+FFFF; no lone surrogate. */
function xmlCanCarry(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- XML 1.0's rule is about control characters
  return !/[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]/.test(value) && (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

// Any string, with the characters that need escaping or cannot be carried at all made common.
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', '\u0001', '\uFFFE', '\uD800', '\uDC00', 'a', 'é', '😀', ';'),
  }),
);

describe('TwiML without the twilio package', () => {
  it('writes an empty document as VoiceResponse does', () => {
    expect(t.twiml().toString()).toBe(new VoiceResponse().toString());
    expect(emptyTwiml().toString()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('escapes any text exactly as VoiceResponse does, and refuses what XML cannot carry', () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(ours(() => t.twiml(t.say(value)))).toBe(reference((r) => r.say(value)));
      }),
      { numRuns: 2000 },
    );
  });

  // VoiceResponse checks text but writes attribute values unchecked, so a character XML 1.0 cannot
  // carry gives a document no parser accepts; we refuse it instead.
  it('escapes any legal attribute value exactly as VoiceResponse does, and refuses the others', () => {
    fc.assert(
      fc.property(text, fc.string(), (value, body) => {
        const written = ours(() => t.twiml(t.redirect(body, { method: value as 'POST' })));
        if (xmlCanCarry(value)) expect(written).toBe(reference((r) => r.redirect({ method: value as 'POST' }, body)));
        else expect(written).toBe('throws');
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps what it escapes: a parser reads back the text and the attributes', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", 'a', ' ', 'é') }), (value) => {
        const document = parseTwiml(t.twiml(t.enqueue(`q${value}q`, { waitUrl: `u${value}u` })).toString());
        expect(document.children[0].text).toBe(`q${value}q`.trim());
        expect(document.children[0].attributes.waitUrl).toBe(`u${value}u`);
      }),
    );
  });

  it('writes numbers, booleans, arrays and leaves out undefined attributes as VoiceResponse does', () => {
    const attributes = { statusCallbackEvent: ['initiated', 'completed'] as const, statusCallback: undefined };
    expect(t.twiml(t.dial({ timeout: 0, action: 'a' }, t.number('+1555', attributes)), t.pause({ length: 3 })).toString()).toBe(
      reference((r) => {
        r.dial({ timeout: 0, action: 'a' }).number({ ...attributes, statusCallbackEvent: ['initiated', 'completed'] }, '+1555');
        r.pause({ length: 3 });
      }),
    );
    expect(t.twiml(t.dial({}, t.conference('room', { startConferenceOnEnter: true, beep: 'false' }))).toString()).toBe(
      reference((r) => r.dial().conference({ startConferenceOnEnter: true, beep: 'false' }, 'room')),
    );
  });
});

describe("the project's TwiML is what VoiceResponse wrote for it", () => {
  const url = 'https://example.com/x?a=1&b=<2>';

  it('sayAndHangUp', () => {
    expect(sayAndHangUp('Goodbye & "thanks" <3').toString()).toBe(
      reference((r) => {
        r.say('Goodbye & "thanks" <3');
        r.hangup();
      }),
    );
  });

  it('callerJoinsConference', () => {
    expect(callerJoinsConference('hold-CA1', url, `${url}&c`).toString()).toBe(
      reference((r) =>
        r.dial().conference(
          {
            participantLabel: 'caller',
            startConferenceOnEnter: true,
            endConferenceOnExit: true,
            beep: 'false',
            waitUrl: url,
            waitMethod: 'POST',
            statusCallback: `${url}&c`,
            statusCallbackMethod: 'POST',
            statusCallbackEvent: ['join', 'leave', 'hold', 'end'],
          },
          'hold-CA1',
        ),
      ),
    );
  });

  const hold = { queueName: 'hold-CA1', waitUrl: `${url}&m`, waitUrlMethod: 'GET', actionUrl: `${url}&e` } as const;
  const enqueueCaller = (r: VoiceResponse): void => {
    r.enqueue({ action: `${url}&e`, method: 'POST', waitUrl: `${url}&m`, waitUrlMethod: 'GET' }, 'hold-CA1');
  };

  it.each([
    ['number', { kind: 'number', value: '+15550100001' }],
    ['client', { kind: 'client', value: 'client:alice', identity: 'alice' }],
    ['sip', { kind: 'sip', value: 'sip:alice@example.com' }],
  ] as const)('callerDialsAgent (%s)', (kind, agent) => {
    const callerCallSid = 'CA' + '1'.repeat(32);
    const settings = { agent, callerCallSid, callerId: '+15550100000', ringTimeoutSeconds: 20, agentStatusUrl: `${url}&s`, hold };
    const callback = { statusCallback: `${url}&s`, statusCallbackMethod: 'POST' } as const;
    const events: ('answered' | 'completed')[] = ['answered', 'completed'];
    expect(callerDialsAgent(settings).toString()).toBe(
      reference((r) => {
        const d = r.dial({ timeout: 20, callerId: '+15550100000' });
        if (kind === 'number') d.number({ ...callback, statusCallbackEvent: events }, agent.value);
        else if (kind === 'client') {
          const c = d.client({ ...callback, statusCallbackEvent: events });
          c.identity('alice');
          c.parameter({ name: 'CallerCallSid', value: callerCallSid });
        } else d.sip({ ...callback, statusCallbackEvent: events }, agent.value);
        enqueueCaller(r);
      }),
    );
  });

  it('callerWaitsOnHold and callerTakesAgentBack', () => {
    expect(callerWaitsOnHold(hold).toString()).toBe(reference(enqueueCaller));
    expect(callerTakesAgentBack('agent-CA1', hold).toString()).toBe(
      reference((r) => {
        r.dial({ timeout: 600 }).queue('agent-CA1');
        enqueueCaller(r);
      }),
    );
  });

  it('agentWaitsOnHold and agentHoldTwiml', () => {
    const settings = { queueName: 'agent-CA1', waitUrl: `${url}&w`, rejoinUrl: `${url}&j` };
    expect(agentWaitsOnHold(settings).toString()).toBe(
      reference((r) => {
        for (let i = agentQueueRejoins(settings); i > 0; i -= 1) r.enqueue({ waitUrl: `${url}&w`, waitUrlMethod: 'POST' }, 'agent-CA1');
        r.redirect({ method: 'POST' }, `${url}&j`);
      }),
    );
    expect(agentHoldTwiml('announce').toString()).toBe(
      reference((r) => {
        r.say('Your caller is on hold.');
        r.pause({ length: 3600 });
      }),
    );
    expect(agentHoldTwiml('silence').toString()).toBe(reference((r) => r.pause({ length: 3600 })));
  });
});
