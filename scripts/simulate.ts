// npm run simulate [-- --mode conference|dial]: one scripted call on the local emulator (virtual
// clock) with the BUILT functions under the real twilio-run, over real HTTP: the caller dials in,
// the agent answers, hold, minutes of music, resume, hold again, resume, hang-up. It prints a
// timeline (virtual time, the webhooks and REST requests of each step, who hears what) and checks
// expectations at every step; it exits 1 listing those that failed. Everything it starts
// (the emulator, twilio-run by its PID) is stopped on every way out, Ctrl-C included.
// The start-up is the end-to-end tests' own (harness/e2e.ts), so what this shows is
// what the tests exercise.
import { parseArgs } from 'node:util';
import type { Hearing, LogEntry } from '../emulator';
import { AGENT_ANSWERS_AFTER_MS, startE2e, type E2eHarness } from '../harness/e2e';

type Mode = 'conference' | 'dial';
type Heard = Hearing | 'ended';

interface Check {
  what: string;
  ok: boolean;
  /** What was seen instead, when it failed. */
  saw?: string;
}

interface Failed {
  step: string;
  check: Check;
}

class UsageError extends Error {}

/** The log entries the timeline shows, and how it labels them. */
const SHOWN = new Map<LogEntry['type'], string>([
  ['call', 'call'],
  ['conference', 'conference'],
  ['queue', 'queue'],
  ['webhook', 'webhook'],
  ['rest', 'REST'],
  ['error', 'ERROR'],
]);

function parseMode(): Mode {
  const { values } = parseArgs({ options: { mode: { type: 'string', default: 'conference' } } });
  const mode = values.mode;
  if (mode !== 'conference' && mode !== 'dial') throw new UsageError(`--mode must be conference or dial, not "${mode}"`);
  return mode;
}

/** Virtual time as mm:ss.mmm. */
function clock(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

class Simulation {
  readonly failed: Failed[] = [];
  private logFrom = 0;
  private stepNumber = 0;
  /** SIDs the timeline prints by name. */
  private readonly names = new Map<string, string>();

  constructor(private readonly h: E2eHarness) {}

  name(sid: string | undefined, as: string): void {
    if (sid) this.names.set(sid, as);
  }

  /** Runs one step, prints what happened during it and what each party hears, then checks it. */
  async step(title: string, act: () => Promise<string | void>, checks: () => Check[]): Promise<void> {
    this.stepNumber += 1;
    const label = `${this.stepNumber}. ${title}`;
    const startedAt = this.h.emu.now();
    const result = await act();
    const endedAt = this.h.emu.now();
    const when = endedAt === startedAt ? clock(startedAt) : `${clock(startedAt)} -> ${clock(endedAt)}`;
    console.log(`\n[${when}] ${label}${result ? `\n    ${result}` : ''}`);
    for (const entry of this.h.emu.log().slice(this.logFrom)) {
      if (SHOWN.has(entry.type)) console.log(this.event(entry));
    }
    this.logFrom = this.h.emu.log().length;
    for (const [sid, party] of this.parties()) console.log(`    ${party.padEnd(6)} hears ${this.describe(this.h.hears(sid))}`);
    for (const check of checks()) {
      console.log(`    ${check.ok ? 'ok  ' : 'FAIL'} ${check.what}${check.ok ? '' : ` (saw: ${check.saw})`}`);
      if (!check.ok) this.failed.push({ step: label, check });
    }
  }

  private parties(): [string, string][] {
    return [...this.names].filter(([, name]) => name === 'caller' || name === 'agent');
  }

  private event(entry: LogEntry): string {
    // Call status lines ("inbound +1555... -> +1555...: ringing") and conference lines ("joined ...")
    // are about one call: say which.
    let text = entry.summary;
    if (entry.type === 'call') text = `${entry.callSid} ${text.replace(/^.*: /, '')}`;
    if (entry.type === 'conference' && entry.callSid) text = `${entry.callSid} ${text}`;
    return `    ${clock(entry.t)}  ${SHOWN.get(entry.type)!.padEnd(10)} ${this.readable(text)}`;
  }

  /** Shortens URLs and names the SIDs the reader knows. */
  readable(text: string): string {
    let out = text.replace(/\/2010-04-01\/Accounts\/AC[0-9a-f]{32}/g, '').replaceAll(this.h.functions.url, '');
    for (const [sid, name] of this.names) out = out.replaceAll(sid, `{${name}}`);
    return out.replace(/\b(CA|CF|QU)([0-9a-f]{6})[0-9a-f]{26}\b/g, '$1$2…');
  }

  describe(heard: Heard): string {
    if (heard === 'ended') return 'nothing: the call has ended';
    switch (heard.kind) {
      case 'party':
        return heard.callSids.map((sid) => `the ${this.names.get(sid) ?? sid}`).join(' and ');
      case 'music':
        return `music ${this.readable(heard.url)}`;
      case 'speech':
        return `speech "${heard.text}"`;
      default:
        return heard.kind;
    }
  }
}

/**
 * Starts the emulator and twilio-run, runs the simulation, and stops both on every way out:
 * the end, a failure, Ctrl-C / SIGTERM (also during start-up), an uncaught error, and a reader
 * that goes away (`| head`: EPIPE on stdout), which would otherwise leave twilio-run running.
 */
async function main(): Promise<number> {
  const mode = parseMode();
  let harness: E2eHarness | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (harness ? (stopping ??= harness.close()) : Promise.resolve());
  const abort = (code: number) => (): void => {
    void stop().finally(() => process.exit(code));
  };
  let exitCode: number | undefined;
  const onSignal = (): void => {
    exitCode = 130;
    if (harness) abort(130)();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', (error) => {
    console.error(error);
    abort(2)();
  });
  process.stdout.on('error', () => undefined);
  try {
    harness = await startE2e({ mode });
    if (exitCode !== undefined) return exitCode;
    return await simulate(harness, mode);
  } finally {
    await stop();
  }
}

async function simulate(h: E2eHarness, mode: Mode): Promise<number> {
  const sim = new Simulation(h);
  console.log(`Simulated call, HOLD_MODE=${mode}: the emulator (virtual clock, ${h.emu.url}) plays Twilio;`);
  console.log(`the built functions run under twilio-run at ${h.functions.url}. {caller} and {agent} are the two call legs.`);
  console.log('A webhook is listed when its answer arrives, after the REST requests its function made.');
  console.log(
    `The ${mode === 'conference' ? 'conference' : 'hold queue'} is named after the caller's CallSid, so its name shows as {caller} too.`,
  );

  let caller = '';
  let agent = '';
  let conference = '';
  let agentHandle = '';
  const hears = (sid: string): Heard => h.hears(sid);
  const errors = (): LogEntry[] => h.emu.log().filter((entry) => entry.type === 'error');
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const check = (what: string, ok: boolean, saw: unknown): Check => ({
    what,
    ok,
    saw: typeof saw === 'string' ? saw : JSON.stringify(saw),
  });
  const music: Hearing = { kind: 'music', url: `${h.functions.url}/hold-music.mp3` };
  const callerHearsMusic = (): Check => check('the caller hears the hold music', same(hears(caller), music), sim.describe(hears(caller)));
  const agentOnLine = (): Check =>
    check(
      'the agent is still on the line, not hearing the caller',
      hears(agent) !== 'ended' && !same(hears(agent), { kind: 'party', callSids: [caller] }),
      sim.describe(hears(agent)),
    );
  const talking = (): Check[] => [
    check('the caller hears the agent', same(hears(caller), { kind: 'party', callSids: [agent] }), sim.describe(hears(caller))),
    check('the agent hears the caller', same(hears(agent), { kind: 'party', callSids: [caller] }), sim.describe(hears(agent))),
  ];
  const nobodyDropped = (): Check => {
    const dropped = h.droppedConferenceCalls([caller, agent]);
    return check(
      'nobody was disconnected by our own doing',
      dropped.length === 0,
      dropped.map((sid) => sim.readable(sid)),
    );
  };
  /** Round 1 names the call by CallSid only; round 2 also gives the SID that saves a lookup. */
  const control = async (action: 'hold' | 'unhold', withSids: boolean): Promise<{ text: string; ok: boolean }> => {
    const body: Record<string, string> = { CallSid: caller };
    if (withSids && mode === 'conference') body.ConferenceSid = conference;
    if (withSids && mode === 'dial') body.AgentHandle = agentHandle;
    const reply = await h.control(action, body);
    if (typeof reply.body.agentHandle === 'string') agentHandle = reply.body.agentHandle;
    const held = action === 'hold';
    const fields = Object.entries(body)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    return {
      text: sim.readable(`POST /${action} ${fields} -> ${reply.status} ${JSON.stringify(reply.body)}`),
      ok: reply.status === 200 && reply.body.held === held && reply.body.mode === mode,
    };
  };
  /**
   * With the conference's SID (conference) or the handle of an earlier answer (dial), a hold or
   * resume is exactly one REST request: the participant update, or the one leg's update. Dial mode's
   * webhooks may read afterwards (the agent's waitUrl reads the caller's leg); those are not the API's.
   */
  const oneRestRequest = (from: number): Check[] => {
    const requests = h
      .restLog()
      .slice(from)
      .map((entry) => sim.readable(entry.summary));
    const api = mode === 'conference' ? requests : requests.filter((r) => r.startsWith('POST'));
    return [
      check(`with ${mode === 'conference' ? 'ConferenceSid' : 'AgentHandle'} it took exactly one REST request`, api.length === 1, requests),
    ];
  };

  await sim.step(
    'The caller dials in',
    async () => {
      caller = await h.placeCall();
      sim.name(caller, 'caller');
      agent = h.agentOf(caller) ?? '';
      sim.name(agent, 'agent');
      conference = h.conferenceOf(caller)?.sid ?? '';
      sim.name(conference, 'conference');
    },
    () => [
      check(
        "the agent's phone rings",
        agent !== '' && same(hears(agent), { kind: 'ringing' }),
        agent ? sim.describe(hears(agent)) : 'no agent call',
      ),
      mode === 'conference'
        ? check(
            'the caller hears the wait music (/hold-music) while the agent rings',
            same(hears(caller), music),
            sim.describe(hears(caller)),
          )
        : check('the caller hears the ringing', same(hears(caller), { kind: 'ringing' }), sim.describe(hears(caller))),
    ],
  );

  await sim.step(
    'The agent answers',
    () => h.advance(AGENT_ANSWERS_AFTER_MS),
    () => [...talking(), nobodyDropped()],
  );

  for (const [round, minutes] of [
    [1, 3],
    [2, 2],
  ] as const) {
    let reply = { text: '', ok: false };
    let restFrom = 0;
    const sids = mode === 'conference' ? 'ConferenceSid' : 'the AgentHandle of the last answer';
    await sim.step(
      round === 1 ? 'The agent puts the caller on hold' : `The agent puts the caller on hold again, this time giving ${sids}`,
      async () => {
        restFrom = h.restLog().length;
        reply = await control('hold', round === 2);
        return reply.text;
      },
      () => [
        check('/hold answers 200 {"held": true}', reply.ok, reply.text),
        ...(round === 2 ? oneRestRequest(restFrom) : []),
        callerHearsMusic(),
        agentOnLine(),
        nobodyDropped(),
      ],
    );
    await sim.step(
      `${minutes} minutes on hold`,
      () => h.advance(minutes * 60_000),
      () => [callerHearsMusic(), agentOnLine(), nobodyDropped()],
    );
    await sim.step(
      round === 1 ? 'The agent takes the caller off hold' : `The agent takes the caller off hold, giving ${sids}`,
      async () => {
        restFrom = h.restLog().length;
        reply = await control('unhold', round === 2);
        return reply.text;
      },
      () => [
        check('/unhold answers 200 {"held": false}', reply.ok, reply.text),
        ...(round === 2 ? oneRestRequest(restFrom) : []),
        ...talking(),
        nobodyDropped(),
      ],
    );
    await sim.step(
      'A minute of conversation',
      () => h.advance(60_000),
      () => [...talking(), nobodyDropped()],
    );
  }

  await sim.step(
    'The caller hangs up',
    () => h.partyHangsUp(caller),
    () => [check("the caller's call has ended", hears(caller) === 'ended', sim.describe(hears(caller))), nobodyDropped()],
  );

  await sim.step(
    '15 seconds later',
    () => h.advance(15_000),
    () => {
      const live = h.emu.calls().filter((call) => call.hears !== undefined);
      return [
        check('the agent was released', hears(agent) === 'ended', sim.describe(hears(agent))),
        check(
          'no calls are left',
          live.length === 0,
          live.map((call) => `${sim.readable(call.sid)} hears ${sim.describe(call.hears!)}`),
        ),
        check(
          'no conferences are left',
          h.emu.conferences().length === 0,
          h.emu.conferences().map((c) => `${c.friendlyName} ${c.status}`),
        ),
        check(
          'no queues are left',
          h.emu.queues().length === 0,
          h.emu.queues().map((q) => `${q.friendlyName} (${q.members.length} waiting)`),
        ),
        nobodyDropped(),
        check(
          'no errors (Twilio error codes) in the whole call',
          errors().length === 0,
          errors().map((e) => sim.readable(e.summary)),
        ),
      ];
    },
  );

  if (sim.failed.length === 0) {
    console.log(`\nAll expectations held (HOLD_MODE=${mode}).`);
    return 0;
  }
  console.log(`\n${sim.failed.length} expectation(s) failed (HOLD_MODE=${mode}):`);
  for (const { step, check: c } of sim.failed) console.log(`  - ${step}: ${c.what} (saw: ${c.saw})`);
  const output = h.functions.output().trim().split('\n').slice(-20).join('\n');
  console.log(`\ntwilio-run's last output:\n${output}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? `npm run simulate: ${error.message}` : error);
    process.exit(2);
  },
);
