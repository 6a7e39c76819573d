// Limits on what any request may carry, checked by functionHandler before a function reads it.
import { checkEventLimits, EVENT_LIMITS } from '../../lib/platform/event-limits';
import { functionHandler } from '../../lib/platform/function-handler';
import { jsonResponse } from '../../lib/platform/responses';
import { functionContext, invokeFunction } from '../support/invoke-function';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

describe('checkEventLimits', () => {
  it('accepts what Twilio and the hold API send', () => {
    const webhook = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`Param${i}`, 'CA' + '0'.repeat(32)]));
    expect(() => checkEventLimits({ ...webhook, request: { headers: { authorization: 'x'.repeat(20_000) } } })).not.toThrow();
    expect(() => checkEventLimits({ CallSid: 'CA' + '0'.repeat(32), Nested: nested(EVENT_LIMITS.maxDepth) })).not.toThrow();
  });

  it.each([
    ['nested one level too deep', { CallSid: nested(EVENT_LIMITS.maxDepth + 1) }, /nests values deeper/],
    ['nested 100,000 levels (no stack overflow: the walk is not recursive)', { CallSid: nested(100_000) }, /nests values deeper/],
    [
      'too many values',
      Object.fromEntries(Array.from({ length: EVENT_LIMITS.maxValues + 1 }, (_, i) => [`p${i}`, '1'])),
      /more than 200 values/,
    ],
    ['too many characters', { CallSid: 'x'.repeat(EVENT_LIMITS.maxChars + 1) }, /more than 16384 characters/],
    ['too many characters in keys', { ['k'.repeat(EVENT_LIMITS.maxChars + 1)]: '1' }, /more than 16384 characters/],
  ])('refuses a request %s as bad input', (_name, event, message) => {
    expect(() => checkEventLimits(event)).toThrow(message);
  });

  it('is applied by every function before it runs: 400, and the function never sees the event', async () => {
    const run = jest.fn(() => jsonResponse(200, {}));
    const reply = await invokeFunction(functionHandler(run), functionContext({}), { CallSid: nested(50_000) });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toMatchObject({ error: 'bad-input' });
    expect(run).not.toHaveBeenCalled();
  });
});
