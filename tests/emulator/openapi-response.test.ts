/**
 * The OpenAPI RESPONSE check (emulator/openapi/validate-response.ts): the emulator's formatter
 * agrees with Twilio's response schemas, and a wrong field would fail. The harness of every
 * emulator test (support/harness.ts) runs this check on each REST response the test sees.
 */
import { formatCall, formatConference, formatMember, formatParticipant, formatQueue, page } from '../../emulator/rest/format';
import { errorBody } from '../../emulator/rest/error-body';
import { validateRestResponse } from '../../emulator/openapi/validate-response';
import type { Call } from '../../emulator/model/call';
import type { Queue } from '../../emulator/model/queue';
import { BUSINESS, CALLER, type Harness, startHarness } from './support/harness';
import { twiml } from './support/webhook-server';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const BASE = `/2010-04-01/Accounts/${ACCOUNT}`;
const CALL = 'CA' + 'b'.repeat(32);
const QUEUE = 'QU' + 'c'.repeat(32);
const dates = { epochMs: Date.UTC(2026, 0, 1), now: 5000 };

const call: Call = {
  sid: CALL,
  accountSid: ACCOUNT,
  from: CALLER,
  to: BUSINESS,
  direction: 'inbound',
  status: 'in-progress',
  createdAt: 0,
  updatedAt: 1000,
  startedAt: 0,
  answeredAt: 0,
  statusCallbackMethod: 'POST',
  statusCallbackEvents: ['completed'],
  callbackSequence: 0,
  timeoutSec: 60,
};
const queue: Queue = {
  sid: QUEUE,
  accountSid: ACCOUNT,
  friendlyName: 'hold',
  maxSize: 1000,
  createdAt: 0,
  updatedAt: 0,
  members: [{ callSid: CALL, queueSid: QUEUE, enqueuedAt: 0 }],
  totalWaitMs: 0,
  waitsEnded: 0,
};

describe("the formatter matches Twilio's response schemas", () => {
  it('Call, Queue, Member, Conference, Participant, a page, an error and a 204', () => {
    const conference = {
      sid: 'CF' + 'd'.repeat(32),
      accountSid: ACCOUNT,
      friendlyName: CALL,
      status: 'in-progress' as const,
      createdAt: 0,
      updatedAt: 0,
      participants: new Map(),
      callbackSequence: 1,
      everJoined: true,
      maxParticipants: 250,
    };
    const participant = {
      callSid: CALL,
      conferenceSid: conference.sid,
      accountSid: ACCOUNT,
      label: 'caller',
      status: 'connected' as const,
      muted: false,
      hold: true,
      holdMethod: 'GET' as const,
      coaching: false,
      startConferenceOnEnter: true,
      endConferenceOnExit: false,
      beep: 'true',
      waitMethod: 'POST' as const,
      createdAt: 0,
      updatedAt: 0,
    };
    const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
    expect(validateRestResponse('GET', `${BASE}/Calls/${CALL}.json`, 200, json(formatCall(call, dates)))).toEqual([]);
    expect(validateRestResponse('POST', `${BASE}/Queues.json`, 201, json(formatQueue(queue, dates)))).toEqual([]);
    expect(
      validateRestResponse('GET', `${BASE}/Queues/${QUEUE}/Members/Front.json`, 200, json(formatMember(queue, queue.members[0], dates))),
    ).toEqual([]);
    expect(
      validateRestResponse('GET', `${BASE}/Conferences/${conference.sid}.json`, 200, json(formatConference(conference, dates))),
    ).toEqual([]);
    expect(
      validateRestResponse(
        'POST',
        `${BASE}/Conferences/${conference.sid}/Participants/${CALL}.json`,
        200,
        json(formatParticipant(participant, dates)),
      ),
    ).toEqual([]);
    const list = page('calls', `${BASE}/Calls.json`, [call], (c) => formatCall(c, dates), { page: 0, pageSize: 50, filters: {} });
    expect(validateRestResponse('GET', `${BASE}/Calls.json`, 200, json(list))).toEqual([]);
    expect(
      validateRestResponse('POST', `${BASE}/Calls/${CALL}.json`, 400, errorBody(400, 21220, 'Call is not in-progress. Cannot redirect.')),
    ).toEqual([]);
    expect(validateRestResponse('DELETE', `${BASE}/Queues/${QUEUE}.json`, 204, undefined)).toEqual([]);
  });
});

describe('a wrong field fails', () => {
  const good = (): Record<string, unknown> => JSON.parse(JSON.stringify(formatCall(call, dates))) as Record<string, unknown>;
  const check = (body: unknown): string[] => validateRestResponse('GET', `${BASE}/Calls/${CALL}.json`, 200, body);

  it.each([
    [
      'a field Twilio does not have (Call.annotation)',
      (b: Record<string, unknown>) => {
        b.annotation = null;
      },
      /annotation: not a field/,
    ],
    [
      'a missing field',
      (b: Record<string, unknown>) => {
        delete b.queue_time;
      },
      /queue_time: missing/,
    ],
    [
      'a wrong type',
      (b: Record<string, unknown>) => {
        b.duration = 42;
      },
      /duration: expected a string/,
    ],
    [
      'a status outside the enum',
      (b: Record<string, unknown>) => {
        b.status = 'answered';
      },
      /status: "answered" is not one of/,
    ],
    [
      'a SID that breaks the pattern',
      (b: Record<string, unknown>) => {
        b.parent_call_sid = 'CA123';
      },
      /parent_call_sid: "CA123" does not match/,
    ],
    [
      'an ISO date where RFC 2822 is due',
      (b: Record<string, unknown>) => {
        b.date_created = '2026-01-01T00:00:00Z';
      },
      /date_created: .* is not an RFC 2822 date/,
    ],
  ])('%s', (_what, spoil, message) => {
    const body = good();
    spoil(body);
    expect(check(body).join('\n')).toMatch(message);
  });
  it("Queue.subresource_uris is not in Twilio's Queue schema", () => {
    const body = { ...(JSON.parse(JSON.stringify(formatQueue(queue, dates))) as object), subresource_uris: { members: '/x.json' } };
    expect(validateRestResponse('GET', `${BASE}/Queues/${QUEUE}.json`, 200, body)).toEqual([
      expect.stringMatching(/subresource_uris: not a field/),
    ]);
  });
  it('an undeclared status, an error body of the wrong shape, a body on a 204', () => {
    expect(validateRestResponse('POST', `${BASE}/Calls.json`, 200, {})).toEqual([
      expect.stringMatching(/status 200 is not a declared response/),
    ]);
    expect(validateRestResponse('GET', `${BASE}/Calls/${CALL}.json`, 404, { code: 20404, message: 'x', status: 404 }).join()).toMatch(
      /more_info: missing/,
    );
    expect(validateRestResponse('GET', `${BASE}/Calls/${CALL}.json`, 404, errorBody(400, 20404, 'x')).join()).toMatch(
      /not the HTTP status 404/,
    );
    expect(validateRestResponse('DELETE', `${BASE}/Queues/${QUEUE}.json`, 204, {})).toEqual([expect.stringMatching(/has no body/)]);
  });
});

describe('the emulator checks each response it sends when asked to', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('a call flow through the real SDK produces no violation, and each response was checked', async () => {
    h = await startHarness();
    h.web.on('/incoming', twiml('<Enqueue>checked</Enqueue>'));
    const sid = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    const [q] = await h.client.queues.list();
    await h.client.queues(q.sid).members(sid).fetch();
    await h.client.calls(sid).fetch();
    await expect(h.client.calls('CA' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404 });
    expect(h.emu.responseViolations()).toEqual([]);
    expect(h.emu.log().filter((e) => e.type === 'rest')).toHaveLength(4);
  });
});
