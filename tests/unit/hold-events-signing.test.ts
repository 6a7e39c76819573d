// The events' signature (lib/state/event-delivery.ts) verified with the `standardwebhooks` library
// as a receiver does (docs/hold-experience.md), and HOLD_EVENTS_SECRET's validation.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { holdEventsSecret } from '../../lib/platform/config';
import { eventDelivery, signedHeaders } from '../../lib/state/event-delivery';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('hold event signatures', () => {
  it('verify with the standardwebhooks library: id, timestamp in seconds, v1 signature of id.timestamp.body', () => {
    const body = JSON.stringify({ id: 'evt_CA1_1', type: 'hold' });
    const now = new Date('2026-12-03T08:00:00.500Z');
    const headers = signedHeaders(new Webhook(SECRET), 'evt_CA1_1', body, now);
    expect(headers).toMatchObject({ 'webhook-id': 'evt_CA1_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)) });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const receiver = new Webhook(SECRET);
    const fresh = signedHeaders(new Webhook(SECRET), 'evt_CA1_1', body);
    expect(receiver.verify(body, fresh)).toEqual({ id: 'evt_CA1_1', type: 'hold' });
    // Another body, another id, another key, or a capture replayed later than the tolerance: refused.
    expect(() => receiver.verify(body.replace('hold', 'resume'), fresh)).toThrow();
    expect(() => receiver.verify(body, { ...fresh, 'webhook-id': 'evt_CA1_2' })).toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, fresh)).toThrow();
    expect(() => receiver.verify(body, headers)).toThrow(/timestamp/i);
  });

  it('HOLD_EVENTS_SECRET is whsec_ + base64 of 24-64 bytes, never HOLD_API_TOKEN', () => {
    expect(holdEventsSecret({ HOLD_EVENTS_SECRET: SECRET })).toBe(SECRET);
    for (const bad of [
      undefined,
      '',
      'secret',
      `whsec_${randomBytes(16).toString('base64')}`,
      `whsec_${randomBytes(65).toString('base64')}`,
      'whsec_not base64!',
      randomBytes(32).toString('base64'),
    ]) {
      expect(() => holdEventsSecret({ HOLD_EVENTS_SECRET: bad })).toThrow(/HOLD_EVENTS_SECRET/);
    }
    expect(() => holdEventsSecret({ HOLD_EVENTS_SECRET: SECRET, HOLD_API_TOKEN: SECRET })).toThrow(/must not be HOLD_API_TOKEN/);
  });

  it('a URL without a valid secret keeps the events undelivered and says why; no URL, no delivery', () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(eventDelivery({ HOLD_EVENTS_URL: 'https://example.com/events' })).toEqual({ url: 'https://example.com/events' });
      expect(errors.mock.calls[0].join(' ')).toMatch(/HOLD_EVENTS_SECRET is not configured.*undelivered/);
      expect(eventDelivery({ HOLD_EVENTS_URL: 'https://example.com/events', HOLD_EVENTS_SECRET: SECRET })?.webhook).toBeInstanceOf(Webhook);
      expect(eventDelivery({ HOLD_EVENTS_SECRET: SECRET })).toBeUndefined();
    } finally {
      errors.mockRestore();
    }
  });
});
