// A fast-check fuzz of every function's body, query and headers, over real HTTP through twilio-run
// (with scripts/local-guard.ts, as `npm start` runs it) and the emulator, with a live call whose SIDs
// the generator may use. Whatever is sent: never a 5xx, never a stack trace or a file path, and an
// answer of bounded size. Needs `npm run build` first.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { WEBHOOK_QUERY_PARAMS } from '../../lib/platform/function-url';
import { twilioSignature } from '../../lib/platform/twilio-signature';
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

const PATHS = readdirSync(join(__dirname, '..', '..', 'functions'))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `/${name.replace(/(\.protected)?\.ts$/, '')}`);

/** Answers carry a short JSON error or a few TwiML verbs; 4 KB is far more than any needs. */
const MAX_ANSWER_BYTES = 4096;
// A stack frame ("    at fn (file:1:2)"), a path of this machine or of a package, a source location.
const LEAK = /\n\s+at |node_modules|\/work\/|\/home\/|dist\/functions|\.[jt]s:\d+/;

let h: E2eHarness;
let caller: string;
let agent: string;
beforeAll(async () => {
  h = await startE2e({ mode: 'conference' });
  caller = await h.placeCall();
  await h.advance(AGENT_ANSWERS_AFTER_MS);
  agent = h.agentOf(caller)!;
});
afterAll(async () => {
  await h.close();
});

const NAMES = [
  'CallSid',
  'ConferenceSid',
  'AgentCallSid',
  'Participant',
  'CallStatus',
  'To',
  'From',
  'DialCallSid',
  'DialCallStatus',
  'QueueResult',
  'QueueSid',
  ...WEBHOOK_QUERY_PARAMS,
];
const name = fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 12 }));
const value = fc.oneof(
  fc.constantFrom('true', 'caller', 'agent', 'busy', 'completed', '+15550100000', 'CA' + '0'.repeat(32), 'CF' + 'f'.repeat(32)),
  fc.constant(null).map(() => caller),
  fc.constant(null).map(() => agent),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ minLength: 5000, maxLength: 20000 }),
);
const form = fc.dictionary(name, value, { maxKeys: 8 });
const deepJson = fc.integer({ min: 10, max: 20000 }).map((depth) => `{"CallSid":${'['.repeat(depth)}1${']'.repeat(depth)}}`);

type Body = { kind: 'form'; fields: Record<string, string> } | { kind: 'raw'; contentType: string | undefined; text: string };
const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 4, arbitrary: form.map((fields): Body => ({ kind: 'form', fields })) },
  fc.jsonValue({ maxDepth: 6 }).map((json): Body => ({ kind: 'raw', contentType: 'application/json', text: JSON.stringify(json) })),
  deepJson.map((text): Body => ({ kind: 'raw', contentType: 'application/json', text })),
  fc.string({ maxLength: 200 }).map((text): Body => ({ kind: 'raw', contentType: 'application/json', text })),
  fc.integer({ min: 900, max: 3000 }).map((n): Body => ({
    kind: 'raw',
    contentType: 'application/x-www-form-urlencoded',
    text: Array.from({ length: n }, (_, i) => `f${i}=1`).join('&'),
  })),
  fc
    .constantFrom('text/plain', 'application/xml', undefined, 'application/x-www-form-urlencoded; charset=utf-7')
    .chain((contentType) => fc.string({ maxLength: 300 }).map((text): Body => ({ kind: 'raw', contentType, text }))),
  fc.constant<Body>({ kind: 'raw', contentType: 'application/x-www-form-urlencoded', text: `CallSid=${'x'.repeat(90_000)}` }),
);
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant(`Bearer ${HOLD_API_TOKEN}`),
  fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
  fc.string({ maxLength: 60 }),
);
type Signature = 'none' | 'valid' | string;
const signature: fc.Arbitrary<Signature> = fc.oneof(fc.constant('none'), fc.constant('valid'), fc.base64String({ maxLength: 40 }));

const request = fc.record({
  path: fc.constantFrom(...PATHS),
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET'),
  query: fc.dictionary(fc.oneof(fc.constantFrom(...WEBHOOK_QUERY_PARAMS), name), value, { maxKeys: 4 }),
  body,
  authorization,
  signature,
});

it('never answers a 5xx, a stack trace or a path, and keeps answers small', async () => {
  let signedAndAnswered = 0;
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      // A request meant to pass the signature check carries our query parameters as functionUrl
      // writes them (sorted), so that the handlers behind the check are fuzzed too.
      const query =
        r.signature === 'valid'
          ? Object.entries(r.query)
              .filter(([key]) => (WEBHOOK_QUERY_PARAMS as readonly string[]).includes(key))
              .sort(([a], [b]) => (a < b ? -1 : 1))
          : Object.entries(r.query);
      const search = new URLSearchParams(query).toString();
      const url = `${h.functions.url}${r.path}${search ? `?${search}` : ''}`;
      const headers: Record<string, string> = {};
      if (r.authorization !== undefined) headers.Authorization = r.authorization;
      let payload: string | undefined;
      if (r.method === 'POST') {
        if (r.body.kind === 'form') {
          headers['Content-Type'] = 'application/x-www-form-urlencoded';
          payload = new URLSearchParams(r.body.fields).toString();
        } else {
          if (r.body.contentType) headers['Content-Type'] = r.body.contentType;
          payload = r.body.text;
        }
      }
      if (r.signature === 'valid') {
        const fields = r.method === 'POST' && r.body.kind === 'form' ? r.body.fields : {};
        headers['X-Twilio-Signature'] = twilioSignature(h.emu.authToken, url, fields);
      } else if (r.signature !== 'none') {
        headers['X-Twilio-Signature'] = r.signature;
      }
      const response = await fetch(url, { method: r.method, headers, body: payload });
      const text = await response.text();
      await h.emu.settle();
      if (response.status !== 403 && r.signature === 'valid' && r.path !== '/hold' && r.path !== '/unhold') signedAndAnswered += 1;
      if (response.status >= 500 || LEAK.test(text) || Buffer.byteLength(text) > MAX_ANSWER_BYTES) {
        throw new Error(`${r.method} ${r.path} answered ${response.status} (${Buffer.byteLength(text)} bytes): ${text.slice(0, 300)}`);
      }
    }),
    { numRuns: 300 },
  );
  // The generator does reach the webhooks' own parsing, past the signature check.
  expect(signedAndAnswered).toBeGreaterThan(0);
});
