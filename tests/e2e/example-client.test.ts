// The typed example client (examples/hold-client.ts) against the emulator and the BUILT functions
// under twilio-run, in both modes: it lists the calls, holds the talking one and resumes it with
// the SIDs it was given, and each of those is one Voice API request. Needs `npm run build` first.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type HoldAnswer, HoldApiError, HoldClient, type LiveCall, runExample } from '../../examples/hold-client';
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

describe.each(['conference', 'dial'] as const)('the example client in %s mode', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode });
  });
  afterAll(async () => {
    await h.close();
  });

  /** Counts the Voice API requests that change something (POST) while each hold or resume runs. */
  class CountingClient extends HoldClient {
    readonly changes: string[][] = [];
    /** List lookups made by the holds and resumes themselves (GET /calls reads Twilio's state too). */
    lookups = 0;
    override hold(call: LiveCall): Promise<HoldAnswer> {
      return this.count(() => super.hold(call));
    }
    override resume(call: LiveCall, after?: HoldAnswer): Promise<HoldAnswer> {
      return this.count(() => super.resume(call, after));
    }
    private async count(run: () => Promise<HoldAnswer>): Promise<HoldAnswer> {
      const from = h.restLog().length;
      const answer = await run();
      this.changes.push(
        h
          .restLog()
          .slice(from)
          .filter((e) => e.summary.startsWith('POST '))
          .map((e) => e.summary),
      );
      this.lookups += h
        .restLog()
        .slice(from)
        .filter((e) => /GET .*\/(Conferences|Calls)\.json/.test(e.summary)).length;
      return answer;
    }
  }

  it('lists the call, holds it and resumes it, one Voice API request each', async () => {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const lines: string[] = [];
    const client = new CountingClient(h.functions.url, HOLD_API_TOKEN);
    const answers = await runExample(client, (line) => lines.push(line));
    expect(answers).toMatchObject([
      { callSid: caller, mode, held: true, appliedAt: expect.stringMatching(/Z$/) },
      { callSid: caller, mode, held: false, appliedAt: expect.stringMatching(/Z$/) },
    ]);
    expect(answers[0].appliedAt < answers[1].appliedAt).toBe(true);
    // The newest of the answers and of the list read after them: not on hold.
    expect(lines.at(-1)).toBe(`${caller} now: not on hold`);
    expect(lines[0]).toBe('1 live call(s)');
    expect(lines[1]).toContain(`${caller} from +15551230000 to +15550100001: talking, 0 hold(s)`);
    // Hold and resume each moved one resource (the caller's participant; in dial mode the agent's leg,
    // then the caller's), with no lookup first, except dial mode's hold, whose AgentCallSid (from the
    // list) is checked by one lookup; the resume then passes the hold answer's agentHandle.
    const moved =
      mode === 'conference'
        ? /^POST \/2010-04-01\/Accounts\/AC\w+\/Conferences\/CF\w+\/Participants\/CA\w+\.json -> 200$/
        : /^POST \/2010-04-01\/Accounts\/AC\w+\/Calls\/CA\w+\.json -> 200$/;
    expect(client.changes).toEqual([[expect.stringMatching(moved)], [expect.stringMatching(moved)]]);
    expect(client.lookups).toBe(mode === 'dial' ? 1 : 0);
    await h.emu.settle();
    expect(h.hears(caller)).toMatchObject({ kind: 'party' });
    await h.partyHangsUp(caller);
  });

  it("turns a refusal into a typed error with the API's words", async () => {
    await expect(new HoldClient(h.functions.url, 'wrong-token').listCalls()).rejects.toEqual(
      new HoldApiError(401, 'unauthorized', 'wrong token'),
    );
  });

  it('runs from the command line', async () => {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '..', '..', 'examples', 'hold-client.ts')],
      {
        env: { ...process.env, HOLD_API_URL: h.functions.url, HOLD_API_TOKEN },
      },
    );
    expect(stdout).toContain(`hold ${caller}: held=true`);
    expect(stdout).toContain(`resume ${caller}: held=false`);
    await h.emu.settle();
    await h.partyHangsUp(caller);
  });
});
