/**
 * The OpenAPI request check of the emulator's REST face (emulator/openapi/validate.ts).
 *
 * The "valid" cases are not hand-written: twilio-node 6.2 is pointed at a local server and the
 * exact method, path and form/query parameters it sends are recorded, so the validator is proven
 * to agree with the client the functions really use (PascalCase names, repeated keys for arrays,
 * "true"/"false" booleans).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { validateRestRequest } from '../../emulator/openapi/validate';
import subset from '../../emulator/openapi/twilio_api_v2010.subset.json';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const CALL = 'CA' + 'b'.repeat(32);
const CHILD = 'CA' + 'c'.repeat(32);
const CONF = 'CF' + 'd'.repeat(32);
const QUEUE = 'QU' + 'e'.repeat(32);
const BASE = `/2010-04-01/Accounts/${ACCOUNT}`;
const HOLD_MUSIC = 'https://example.test/hold-music';

interface Recorded {
  method: string;
  path: string;
  params: Record<string, string | string[]>;
}

function parseParams(encoded: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

let server: http.Server;
let recorded: Recorded[] = [];
let client: ReturnType<typeof twilio>;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      recorded.push({
        method: req.method ?? '',
        path: q === -1 ? url : url.slice(0, q),
        params: parseParams(req.method === 'GET' ? (q === -1 ? '' : url.slice(q + 1)) : body),
      });
      if (req.method === 'DELETE') {
        res.writeHead(204).end();
        return;
      }
      // One non-meta key is all twilio-node's Page needs; instances tolerate the extra field.
      res.writeHead(req.method === 'GET' ? 200 : 201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.method === 'GET' ? { items: [], next_page_uri: null } : {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = twilio(ACCOUNT, 'token');
  client.api.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Runs one twilio-node call and returns the single request it made. */
async function capture(send: () => Promise<unknown>): Promise<Recorded> {
  recorded = [];
  await send();
  expect(recorded).toHaveLength(1);
  return recorded[0] as Recorded;
}

describe('the subset file', () => {
  it('holds exactly the operations the project uses', () => {
    const ids = Object.values(subset.paths)
      .flatMap((item) => Object.values(item as Record<string, { operationId: string }>))
      .map((op) => op.operationId)
      .sort();
    expect(ids).toEqual(
      [
        'CreateCall',
        'FetchCall',
        'ListCall',
        'UpdateCall',
        'FetchConference',
        'ListConference',
        'UpdateConference',
        'CreateParticipant',
        'DeleteParticipant',
        'FetchParticipant',
        'ListParticipant',
        'UpdateParticipant',
        'CreateQueue',
        'DeleteQueue',
        'FetchQueue',
        'ListQueue',
        'UpdateQueue',
        'FetchMember',
        'ListMember',
        'UpdateMember',
      ].sort(),
    );
  });
});

describe('requests as twilio-node 6.2 sends them pass', () => {
  const cases: Array<[string, string, () => Promise<unknown>]> = [
    [
      'CreateCall',
      'create with url, statusCallbackEvent[] and timeout',
      () =>
        client.calls.create({
          to: 'client:agent',
          from: '+15005550006',
          url: 'https://example.test/agent-join',
          statusCallback: 'https://example.test/status',
          statusCallbackEvent: ['initiated', 'answered', 'completed'],
          timeout: 20,
        }),
    ],
    ['FetchCall', 'fetch', () => client.calls(CALL).fetch()],
    ['ListCall', 'list children with parentCallSid', () => client.calls.list({ parentCallSid: CALL, limit: 20 })],
    [
      'ListCall',
      'list in-progress calls by number and date',
      () => client.calls.list({ status: 'in-progress', to: '+15005550006', startTimeAfter: new Date(0), limit: 5 }),
    ],
    ['UpdateCall', 'redirect with url and method', () => client.calls(CHILD).update({ url: 'https://example.test/hold', method: 'POST' })],
    [
      'UpdateCall',
      'redirect with inline twiml',
      () => client.calls(CALL).update({ twiml: '<Response><Enqueue>hold-CA</Enqueue></Response>' }),
    ],
    ['UpdateCall', 'hang up with status', () => client.calls(CALL).update({ status: 'completed' })],
    ['FetchConference', 'fetch', () => client.conferences(CONF).fetch()],
    [
      'ListConference',
      'list with friendlyName and status',
      () => client.conferences.list({ friendlyName: CALL, status: 'in-progress', dateCreatedAfter: new Date(0), limit: 2 }),
    ],
    ['UpdateConference', 'end it', () => client.conferences(CONF).update({ status: 'completed' })],
    [
      'UpdateConference',
      'announce',
      () => client.conferences(CONF).update({ announceUrl: 'https://example.test/announce', announceMethod: 'GET' }),
    ],
    [
      'CreateParticipant',
      'create by friendly name with label, events, endConferenceOnExit, timeout',
      () =>
        client.conferences(CALL).participants.create({
          from: '+15005550006',
          to: 'client:agent',
          label: 'agent',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          endConferenceOnExit: false,
          startConferenceOnEnter: true,
          timeout: 30,
          beep: 'onEnter',
          waitUrl: '',
          conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave', 'hold'],
        }),
    ],
    [
      'CreateParticipant',
      'create with a parameter newer than the spec',
      () => client.conferences(CONF).participants.create({ from: '+15005550006', to: '+15005550007', callerDisplayName: 'Front desk' }),
    ],
    ['ListParticipant', 'list held participants', () => client.conferences(CONF).participants.list({ hold: true, limit: 50 })],
    ['FetchParticipant', 'fetch by label', () => client.conferences(CONF).participants('caller').fetch()],
    [
      'UpdateParticipant',
      'hold with holdUrl and holdMethod',
      () => client.conferences(CONF).participants('caller').update({ hold: true, holdUrl: HOLD_MUSIC, holdMethod: 'GET' }),
    ],
    ['UpdateParticipant', 'resume', () => client.conferences(CONF).participants(CALL).update({ hold: false })],
    ['DeleteParticipant', 'remove', () => client.conferences(CONF).participants(CALL).remove()],
    ['CreateQueue', 'create', () => client.queues.create({ friendlyName: `hold-${CALL}`, maxSize: 1 })],
    ['FetchQueue', 'fetch', () => client.queues(QUEUE).fetch()],
    ['ListQueue', 'list', () => client.queues.list({ limit: 100 })],
    ['UpdateQueue', 'update', () => client.queues(QUEUE).update({ maxSize: 5 })],
    ['DeleteQueue', 'remove', () => client.queues(QUEUE).remove()],
    ['ListMember', 'list', () => client.queues(QUEUE).members.list({ limit: 10 })],
    ['FetchMember', 'fetch Front', () => client.queues(QUEUE).members('Front').fetch()],
    [
      'UpdateMember',
      'dequeue with url and method',
      () => client.queues(QUEUE).members(CALL).update({ url: 'https://example.test/bridge', method: 'POST' }),
    ],
  ];

  it.each(cases)('%s: %s', async (operationId, _what, send) => {
    const req = await capture(send);
    expect(validateRestRequest(req.method, req.path, req.params)).toEqual({ ok: true, operationId });
  });

  it('twilio-node serialises hold as PascalCase form fields with string booleans', async () => {
    const req = await capture(() =>
      client.conferences(CONF).participants('caller').update({ hold: true, holdUrl: HOLD_MUSIC, holdMethod: 'GET' }),
    );
    expect(req).toEqual({
      method: 'POST',
      path: `${BASE}/Conferences/${CONF}/Participants/caller.json`,
      params: { Hold: 'true', HoldUrl: HOLD_MUSIC, HoldMethod: 'GET' },
    });
  });

  it('twilio-node repeats StatusCallbackEvent once per value', async () => {
    const req = await capture(() =>
      client.conferences('room').participants.create({
        from: '+15005550006',
        to: 'client:agent',
        statusCallbackEvent: ['initiated', 'answered'],
      }),
    );
    expect(req.params['StatusCallbackEvent']).toEqual(['initiated', 'answered']);
  });

  it('accepts a query string still on the path', () => {
    expect(validateRestRequest('GET', `${BASE}/Calls.json?ParentCallSid=${CALL}`, { ParentCallSid: CALL })).toEqual({
      ok: true,
      operationId: 'ListCall',
    });
  });

  it('accepts space-separated event lists, as the spec descriptions allow', () => {
    const r = validateRestRequest('POST', `${BASE}/Conferences/room/Participants.json`, {
      From: '+15005550006',
      To: 'client:agent',
      StatusCallbackEvent: 'initiated ringing answered completed',
    });
    expect(r).toEqual({ ok: true, operationId: 'CreateParticipant' });
  });

  it('accepts a participant label with percent-encoded characters in the path', () => {
    const r = validateRestRequest('POST', `${BASE}/Conferences/${CONF}/Participants/front%20desk.json`, { Hold: 'false' });
    expect(r).toEqual({ ok: true, operationId: 'UpdateParticipant' });
  });
});

describe('bad requests are rejected, naming the parameter', () => {
  const participantRel = `/Conferences/${CONF}/Participants/caller.json`;
  const participant = BASE + participantRel;

  function expect400(r: ReturnType<typeof validateRestRequest>, param: string, code = 20001): void {
    expect(r).toMatchObject({ ok: false, status: 400, code });
    if (r.ok) return;
    expect(r.message).toContain(`'${param}'`);
  }

  it('unknown parameter (the misspelt HoldUrl Twilio would silently ignore)', () => {
    const r = validateRestRequest('POST', participant, { Hold: 'true', HoldURL: HOLD_MUSIC });
    expect400(r, 'HoldURL');
    if (!r.ok) expect(r.message).toContain("did you mean 'HoldUrl'");
  });

  it('camelCase names (a hand-made request, not twilio-node) are unknown', () => {
    const r = validateRestRequest('POST', participant, { hold: 'true' });
    expect400(r, 'hold');
    if (!r.ok) expect(r.message).toContain("did you mean 'Hold'");
  });

  it('a parameter of another operation is unknown here', () => {
    expect400(validateRestRequest('POST', `${BASE}/Calls/${CALL}.json`, { Hold: 'true' }), 'Hold');
  });

  it('query parameters on a fetch are unknown', () => {
    expect400(validateRestRequest('GET', `${BASE}/Calls/${CALL}.json`, { Status: 'completed' }), 'Status');
  });

  it.each([
    ['POST', `/Calls/${CALL}.json`, { Status: 'paused' }, 'Status'],
    ['POST', `/Calls/${CALL}.json`, { Status: 'in-progress' }, 'Status'],
    ['GET', `/Calls.json`, { Status: 'active' }, 'Status'],
    ['GET', `/Conferences.json`, { Status: 'in_progress' }, 'Status'],
    ['POST', `/Conferences/${CONF}.json`, { Status: 'init' }, 'Status'],
    ['POST', participantRel, { Hold: 'true', HoldMethod: 'PUT' }, 'HoldMethod'],
    ['POST', participantRel, { Hold: 'true', HoldMethod: 'get' }, 'HoldMethod'],
    [
      'POST',
      `/Conferences/room/Participants.json`,
      { From: '+1', To: '+2', StatusCallbackEvent: ['initiated', 'hold'] },
      'StatusCallbackEvent',
    ],
    [
      'POST',
      `/Conferences/room/Participants.json`,
      { From: '+1', To: '+2', StatusCallbackEvent: 'initiated bogus' },
      'StatusCallbackEvent',
    ],
    [
      'POST',
      `/Conferences/room/Participants.json`,
      { From: '+1', To: '+2', ConferenceStatusCallbackEvent: ['start', 'participant-hold'] },
      'ConferenceStatusCallbackEvent',
    ],
    ['POST', `/Conferences/room/Participants.json`, { From: '+1', To: '+2', Beep: 'yes' }, 'Beep'],
    ['POST', `/Calls.json`, { From: '+1', To: '+2', Url: 'https://x.test/', StatusCallbackEvent: 'busy' }, 'StatusCallbackEvent'],
  ] as const)('bad enum: %s %s %j', (method, path, params, param) => {
    const r = validateRestRequest(method, BASE + path, params as Record<string, string | string[]>);
    expect400(r, param);
    if (!r.ok) expect(r.message).toMatch(/must be one of/);
  });

  it.each([
    [`/Conferences/room/Participants.json`, { From: '+15005550006' }, 'To', 20001],
    [`/Conferences/room/Participants.json`, { To: '+15005550006', From: '' }, 'From', 20001],
    [`/Queues.json`, { MaxSize: '1' }, 'FriendlyName', 20001],
    [`/Queues/${QUEUE}/Members/Front.json`, { Method: 'POST' }, 'Url', 20001],
    [`/Calls.json`, { From: '+15005550006', Url: 'https://x.test/' }, 'To', 21201],
    [`/Calls.json`, { To: '+15005550006', Url: 'https://x.test/' }, 'From', 21213],
  ] as const)('missing required: %s %j', (path, params, param, code) => {
    const r = validateRestRequest('POST', BASE + path, params);
    expect400(r, param, code);
    if (!r.ok) expect(r.message).toMatch(/Missing required/);
  });

  it.each(['yes', 'True', '1', ''])('bad boolean Hold=%j', (value) => {
    const r = validateRestRequest('POST', participant, { Hold: value });
    expect400(r, 'Hold');
    if (!r.ok) expect(r.message).toContain('true or false');
  });

  it('bad boolean in a list filter', () => {
    expect400(validateRestRequest('GET', `${BASE}/Conferences/${CONF}/Participants.json`, { Hold: 'on' }), 'Hold');
  });

  it.each(['/hold-music', 'hold-music.mp3', 'ftp://example.test/a.mp3', 'https://', ''])('bad URL HoldUrl=%j', (value) => {
    const r = validateRestRequest('POST', participant, { Hold: 'true', HoldUrl: value });
    expect400(r, 'HoldUrl');
    if (!r.ok) expect(r.message).toContain('absolute http(s) URL');
  });

  it('a bad Url on call create uses the documented 21205', () => {
    expect400(validateRestRequest('POST', `${BASE}/Calls.json`, { To: '+1', From: '+2', Url: 'agent-join' }), 'Url', 21205);
  });

  it('a bad Method on call create uses the documented 21209', () => {
    expect400(
      validateRestRequest('POST', `${BASE}/Calls.json`, { To: '+1', From: '+2', Url: 'https://x.test/', Method: 'PUT' }),
      'Method',
      21209,
    );
  });

  it('WaitUrl may be empty (documented: play nothing), HoldUrl may not', () => {
    expect(validateRestRequest('POST', participant, { WaitUrl: '' })).toEqual({ ok: true, operationId: 'UpdateParticipant' });
  });

  it.each([
    [`/Conferences/room/Participants.json`, { From: '+1', To: '+2', Timeout: '30s' }, 'Timeout'],
    [`/Conferences/room/Participants.json`, { From: '+1', To: '+2', Timeout: '-5' }, 'Timeout'],
    [`/Calls/${CALL}.json`, { TimeLimit: '1.5' }, 'TimeLimit'],
  ] as const)('bad integer: %s %j', (path, params, param) => {
    expect400(validateRestRequest('POST', BASE + path, params), param);
  });

  it.each([['0'], ['1001'], ['ten']])('PageSize=%s is outside the spec', (value) => {
    expect400(validateRestRequest('GET', `${BASE}/Calls.json`, { PageSize: value }), 'PageSize');
  });

  it('a malformed SID filter', () => {
    expect400(validateRestRequest('GET', `${BASE}/Calls.json`, { ParentCallSid: 'CA123' }), 'ParentCallSid');
  });

  it('a bad date filter', () => {
    expect400(validateRestRequest('GET', `${BASE}/Conferences.json`, { 'DateCreated>': '2024-13-01' }), 'DateCreated>');
    expect400(validateRestRequest('GET', `${BASE}/Calls.json`, { 'StartTime>': 'yesterday' }), 'StartTime>');
  });

  it('a single-valued parameter given twice', () => {
    const r = validateRestRequest('POST', participant, { Hold: ['true', 'false'] });
    expect400(r, 'Hold');
    if (!r.ok) expect(r.message).toContain('2 times');
  });
});

describe('paths and methods', () => {
  it.each([
    `${BASE}/Conferences/${CONF}/Participant/caller.json`,
    `${BASE}/Calls/${CALL}`,
    `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`,
    `/v1/Calls.json`,
    `${BASE}/Calls/${CALL}/Recordings.json`,
  ])('unknown path %s is 404 / 20404', (path) => {
    expect(validateRestRequest('GET', path, {})).toMatchObject({ ok: false, status: 404, code: 20404 });
  });

  it('a malformed SID in the path is 404 naming the path parameter', () => {
    const r = validateRestRequest('GET', `${BASE}/Calls/not-a-sid.json`, {});
    expect(r).toMatchObject({ ok: false, status: 404, code: 20404 });
    if (!r.ok) expect(r.message).toContain('Sid');
  });

  it('fetch by conference friendly name is 404, create by friendly name is fine (as on Twilio)', () => {
    expect(validateRestRequest('GET', `${BASE}/Conferences/room/Participants.json`, {})).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(validateRestRequest('POST', `${BASE}/Conferences/room/Participants.json`, { From: '+1', To: '+2' })).toEqual({
      ok: true,
      operationId: 'CreateParticipant',
    });
  });

  it.each([
    ['PUT', `${BASE}/Calls.json`],
    ['DELETE', `${BASE}/Calls.json`],
    ['DELETE', `${BASE}/Conferences/${CONF}.json`],
    ['POST', `${BASE}/Conferences.json`],
    ['PATCH', `${BASE}/Conferences/${CONF}/Participants/caller.json`],
    ['DELETE', `${BASE}/Queues/${QUEUE}/Members/Front.json`],
  ])('%s %s is 405 / 20004', (method, path) => {
    const r = validateRestRequest(method, path, {});
    expect(r).toMatchObject({ ok: false, status: 405, code: 20004 });
    if (!r.ok) expect(r.message).toContain(method);
  });

  it('method names are case-insensitive', () => {
    expect(validateRestRequest('get', `${BASE}/Queues.json`, {})).toEqual({ ok: true, operationId: 'ListQueue' });
  });
});

it('is cheap enough to run on every request', () => {
  const path = `${BASE}/Conferences/${CONF}/Participants/caller.json`;
  const params = { Hold: 'true', HoldUrl: HOLD_MUSIC, HoldMethod: 'GET' };
  const started = process.hrtime.bigint();
  for (let i = 0; i < 20_000; i++) validateRestRequest('POST', path, params);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  expect(ms).toBeLessThan(2000);
});
