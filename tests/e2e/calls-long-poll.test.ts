// GET /calls?wait=S with If-None-Match: the long poll of the hold console, end to end (the BUILT
// functions under twilio-run, the emulator's Sync). Counts Sync requests in the emulator's log;
// never a wall-clock duration. Needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

interface Answer {
  status: number;
  etag: string | null;
  body: { calls?: { callSid: string; state: string; hears: unknown }[]; error?: string };
}

async function getCalls(h: E2eHarness, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${h.functions.url}/calls${query}`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}`, ...headers } });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get('etag'), body: text ? JSON.parse(text) : {} };
}

/** The Sync requests the emulator answered while `run` ran. */
async function syncDuring<T>(h: E2eHarness, run: () => Promise<T>): Promise<{ result: T; sync: string[] }> {
  const from = h.emu.log().length;
  const result = await run();
  return {
    result,
    sync: h.emu
      .log()
      .slice(from)
      .filter((e) => e.type === 'sync')
      .map((e) => e.summary),
  };
}

const MAP_FETCH = /^GET \/v1\/Services\/[^/]+\/Maps\/hold-calls -> (200|404)/;
const LIST = /^GET \/v1\/Services\/[^/]+\/Maps\/hold-calls\/Items -> /;

describe.each(['conference', 'dial'] as const)('the long poll of GET /calls in %s mode', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(async () => {
    for (const call of h.emu.calls()) if (h.emu.hears(call.sid)) await h.emu.hangup(call.sid);
    await h.emu.settle();
  });

  it('answers 304 with no list read while nothing changes, one look at the revision per 2 s', async () => {
    const first = await syncDuring(h, () => getCalls(h, '?wait=0'));
    expect(first.result.status).toBe(200);
    expect(first.result.etag).toMatch(/^"[^"]+"$/);
    // The revision, then the list.
    expect(first.sync.map((s) => (MAP_FETCH.test(s) ? 'revision' : LIST.test(s) ? 'list' : s))).toEqual(['revision', 'list']);

    const again = await syncDuring(h, () => getCalls(h, '?wait=3', { 'If-None-Match': first.result.etag! }));
    expect(again.result.status).toBe(304);
    expect(again.result.etag).toBe(first.result.etag);
    // Looks at 0 s and 2 s (only the first when the machine is so slow that the second would start
    // within 2 s of the end); none at the end of the wait; no list. The exact schedule is pinned on a
    // fake clock by tests/unit/calls-wait.test.ts.
    const looks = again.sync.filter((s) => MAP_FETCH.test(s)).length;
    expect(looks).toBeGreaterThanOrEqual(1);
    expect(looks).toBeLessThanOrEqual(2);
    expect(again.sync.filter((s) => LIST.test(s))).toHaveLength(0);
  });

  it('answers the new list as soon as a call arrives during the wait, with who hears what', async () => {
    const { etag } = await getCalls(h, '?wait=0');
    const waiting = getCalls(h, '?wait=8', { 'If-None-Match': etag! });
    const caller = await h.placeCall();
    const changed = await waiting;
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(etag);
    expect(changed.body.calls?.find((c) => c.callSid === caller)).toMatchObject({
      state: 'ringing-agent',
      hears: { caller: mode === 'conference' ? 'music' : 'ringing', agent: null },
    });

    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const talking = await getCalls(h, '?wait=8', { 'If-None-Match': changed.etag! });
    expect(talking.status).toBe(200);
    expect(talking.body.calls?.find((c) => c.callSid === caller)).toMatchObject({
      state: 'talking',
      hears: { caller: 'the-agent', agent: 'the-caller' },
    });

    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    const held = await getCalls(h, '?wait=8', { 'If-None-Match': talking.etag! });
    expect(held.body.calls?.find((c) => c.callSid === caller)).toMatchObject({
      state: 'on-hold',
      hears: { caller: 'music', agent: 'silence' },
    });
  });

  it('an ETag that is not ours reads the list at once', async () => {
    const answer = await getCalls(h, '?wait=8', { 'If-None-Match': '"forged"' });
    expect(answer.status).toBe(200);
    expect(answer.etag).toMatch(/^"[^"]+"$/);
  });

  it('refuses a wait without the token before waiting, and a wait out of range', async () => {
    const { etag } = await getCalls(h, '?wait=0');
    const refused = await syncDuring(h, () =>
      fetch(`${h.functions.url}/calls?wait=8`, { headers: { 'If-None-Match': etag!, Authorization: 'Bearer wrong' } }),
    );
    expect(refused.result.status).toBe(401);
    expect(refused.sync).toEqual([]);
    for (const wait of ['9', '-1', 'x']) {
      const answer = await getCalls(h, `?wait=${wait}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('bad-input');
    }
  });

  it('a plain GET /calls costs what it did: one list request, and none of our ETags', async () => {
    const plain = await syncDuring(h, () => getCalls(h, ''));
    expect(plain.result.status).toBe(200);
    // twilio-run (Express) adds its own weak ETag of the body; ours names the revision.
    expect(plain.result.etag ?? '').not.toMatch(/^"[^"]+\.[^"]+\.\d+"$/);
    expect(plain.sync.filter((s) => !LIST.test(s))).toEqual([]);
    expect(plain.sync).toHaveLength(1);
  });
});
