// Runs one generated sequence against the real system: a fresh call through the emulator and the
// built functions under twilio-run (real HTTP both ways), every step interpreted, the model advanced
// alongside, and the invariants checked after every step.
import fc from 'fast-check';
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, type E2eHarness } from '../../../harness/e2e';
import { armFault, armOutage, armWebhookFault, disarmFaults } from './faults';
import { checkAnswer, checkNothingLeft, checkState, InvariantViolation, isLive, sidOf, type CallUnderTest } from './invariants';
import {
  advanceOutcome,
  applicable,
  burstOutcome,
  outageOutcome,
  controlOutcome,
  hangupOutcome,
  initialState,
  releaseOf,
  type Command,
  type ControlCommand,
  type LiveState,
  type Mode,
  type AnswerSpec,
  type WebhookFault,
  type ModelState,
  type Party,
  type Sequence,
} from './model';
import { sequenceArb } from './generators';
import { agentQueueRejoins } from '../../../lib/dial/twiml';

/** Ends whatever an earlier, failed run left behind, so that each run starts from a quiet emulator. */
async function endLeftovers(h: E2eHarness): Promise<void> {
  disarmFaults(h.emu);
  const live = h.emu.calls().filter(isLive);
  if (live.length === 0) return;
  for (const call of live) {
    if (!isLive(h.emu.call(call.sid))) continue; // its partner's hang-up took it along
    await h.emu.hangup(call.sid);
    await h.emu.settle();
  }
  await h.advance(60_000);
}

/** A fresh call: the agent's phone rings, or (unless `ringing`) the agent has answered. */
async function freshCall(h: E2eHarness, mode: Mode, ringing: boolean): Promise<CallUnderTest> {
  const earlierCalls = new Set(h.emu.calls().map((c) => c.sid));
  const caller = await h.placeCall();
  let call: CallUnderTest;
  if (mode === 'dial') {
    const agent = h.agentLegOf(caller);
    if (!agent) throw new Error(`dial mode: no agent leg for ${caller}`);
    call = { mode, caller, agent, earlierCalls, resumesWithHandle: 0 };
  } else {
    const conference = h.emu.conferences().find((c) => c.friendlyName === caller);
    const agent = conference?.participants.find((p) => p.label === 'agent')?.callSid;
    if (!conference || !agent) throw new Error(`conference mode: no conference with an agent for ${caller}`);
    call = { mode, caller, agent, conferenceSid: conference.sid, earlierCalls, resumesWithHandle: 0 };
  }
  if (!ringing) await h.advance(AGENT_ANSWERS_AFTER_MS);
  return call;
}

function requestBody(call: CallUnderTest, command: Pick<ControlCommand, 'participant' | 'withSid'>): Record<string, string> {
  const body: Record<string, string> = { CallSid: call.caller };
  if (command.participant !== undefined) body.Participant = command.participant;
  if (command.withSid) {
    if (call.mode === 'conference') body.ConferenceSid = call.conferenceSid!;
    else if (call.handle) body.AgentHandle = call.handle;
    else body.AgentCallSid = call.agent;
  }
  return body;
}

/** Keeps the handle a dial-mode answer hands back, for the next request that sends one. */
function rememberHandle(call: CallUnderTest, body: Record<string, unknown>, sentHandle: boolean): void {
  if (body.held === true) call.resumesWithHandle = 0;
  if (body.held === false && sentHandle) call.resumesWithHandle += 1;
  if (typeof body.agentHandle === 'string') call.handle = body.agentHandle;
}

/**
 * The one place a webhook is needed to keep a dial-mode agent: after agentQueueRejoins() re-bridges
 * without a hold, the next one asks /agent-rejoin-hold for more TwiML (docs/reliability.md). A
 * webhook fault on exactly that request would drop the agent, a documented cost, so the property
 * does not arm one there.
 */
function webhookFaultFor(h: E2eHarness, call: CallUnderTest, command: ControlCommand, sendsHandle: boolean): WebhookFault {
  if (call.mode !== 'dial' || command.type !== 'unhold' || !sendsHandle) return command.webhookFault;
  const rejoins = agentQueueRejoins({
    queueName: `${call.caller}-agent`,
    waitUrl: `${h.functions.url}/agent-hold-loop?CallerCallSid=${call.caller}`,
    rejoinUrl: `${h.functions.url}/agent-rejoin-hold?CallerCallSid=${call.caller}`,
  });
  return call.resumesWithHandle >= rejoins - 1 ? { kind: 'none' } : command.webhookFault;
}

/** A hold or resume that Twilio applied, read from the emulator's REST log, in the order applied. */
interface AppliedWrite {
  party: Party;
  held: boolean;
}

/**
 * The updates of a burst that Twilio applied, in order: dial mode, new TwiML for the agent's leg
 * (a hold) or the caller's (a resume); conference mode, a participant update with Hold.
 */
function appliedWrites(h: E2eHarness, call: CallUnderTest, since: number): AppliedWrite[] {
  const writes: AppliedWrite[] = [];
  for (const entry of h.restLog().slice(since)) {
    if (!entry.summary.startsWith('POST ') || !/ -> 20\d/.test(entry.summary)) continue;
    if (call.mode === 'dial') {
      if (entry.summary.includes(`/Calls/${call.agent}.json`) && 'Twiml' in entry.params) writes.push({ party: 'caller', held: true });
      else if (entry.summary.includes(`/Calls/${call.caller}.json`) && 'Twiml' in entry.params)
        writes.push({ party: 'caller', held: false });
      continue;
    }
    const participant = /\/Participants\/([^/]+)\.json /.exec(entry.summary)?.[1];
    if (participant === undefined || !('Hold' in entry.params)) continue;
    writes.push({ party: participant === call.caller ? 'caller' : 'agent', held: String(entry.params.Hold) === 'true' });
  }
  return writes;
}

/** How often the last 200 of a burst to arrive disagreed with the last update Twilio applied. */
export const burstStats = { bursts: 0, answerOrderDiffered: 0 };

type BurstAnswer = { status: number; held?: boolean; party: Party; type: string; body: Record<string, unknown>; sentHandle: boolean };

/**
 * The burst: every request sent at once, straight to the functions (no settling in between), the
 * answers collected as they arrive; then everything settles. Each answer must be a 200 that says
 * what it was asked, or a 409 for a loser, and the call must end in the state of the LAST update
 * Twilio applied (every update's effect is complete whatever came before it). Whether the last
 * answer to arrive agrees is counted, not asserted (docs/reliability.md, "Concurrent hold and unhold").
 */
async function runBurst(
  h: E2eHarness,
  call: CallUnderTest,
  state: LiveState,
  requests: Pick<ControlCommand, 'type' | 'participant' | 'withSid'>[],
): Promise<{ next: ModelState; result: string }> {
  const arrived: BurstAnswer[] = [];
  const restBefore = h.restLog().length;
  await Promise.all(
    requests.map(async (request) => {
      const requestFields = requestBody(call, request);
      const response = await fetch(`${h.functions.url}/${request.type}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${HOLD_API_TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(requestFields).toString(),
      });
      const body = (await response.json()) as Record<string, unknown>;
      const party: Party = call.mode === 'conference' ? (request.participant ?? 'caller') : 'caller';
      arrived.push({
        status: response.status,
        held: typeof body.held === 'boolean' ? body.held : undefined,
        party,
        type: request.type,
        body,
        sentHandle: 'AgentHandle' in requestFields,
      });
    }),
  );
  await h.emu.settle();
  const writes = appliedWrites(h, call, restBefore);
  const result = `answers ${arrived.map((a) => `${a.type}${a.party === 'agent' ? '(agent)' : ''}->${a.status}`).join(', ')}; applied ${writes.map((w) => `${w.party}:${w.held ? 'hold' : 'resume'}`).join(', ')}`;
  burstStats.bursts += 1;
  const lastAnswer = arrived.filter((a) => a.status === 200).at(-1);
  const lastWrite = writes.at(-1);
  if (lastAnswer && lastWrite && lastAnswer.held !== lastWrite.held) burstStats.answerOrderDiffered += 1;
  const next = burstOutcome(
    call.mode,
    state,
    writes.map((w) => ({ status: 200, held: w.held, party: w.party })),
  );
  try {
    for (const answer of arrived) {
      const expected: AnswerSpec[] = [
        { status: 200, held: answer.type === 'hold' },
        { status: 409, error: 'conflict' },
      ];
      checkAnswer({ status: answer.status, body: answer.body }, expected, call, state);
      rememberHandle(call, answer.body, answer.sentHandle);
    }
    checkState(h, call, next);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n  burst: ${result}`, { cause: error });
  }
  return { next, result };
}

/**
 * Invariant 4: after `party` hangs up, the other is released within the bound of releaseOf()
 * (virtual time), hearing nothing but the goodbye or apology until then, never music.
 */
async function hangUp(h: E2eHarness, call: CallUnderTest, state: ModelState, party: Party): Promise<string> {
  const other: Party = party === 'caller' ? 'agent' : 'caller';
  const otherSid = sidOf(call, other);
  const { boundMs, meanwhile } = releaseOf(call.mode, state, party);
  const hungUpAt = h.emu.now();
  await h.partyHangsUp(sidOf(call, party));
  const heard = h.hears(otherSid);
  if (heard !== 'ended' && !(meanwhile !== undefined && heard.kind === 'speech' && heard.text === meanwhile)) {
    throw new InvariantViolation(
      '4 (the party left alone is released)',
      `right after the ${party} hung up, the ${other} hears ${JSON.stringify(heard)} ` +
        `(expected ${meanwhile !== undefined ? `"${meanwhile}" or ` : ''}the end of its call)`,
    );
  }
  if (boundMs > 0) await h.advance(boundMs);
  const view = h.emu.call(otherSid);
  if (isLive(view) || view?.endedAt === undefined || view.endedAt - hungUpAt > boundMs) {
    throw new InvariantViolation(
      `4 (released within ${boundMs} ms of virtual time)`,
      `the ${other} was ${view?.status} ${view?.endedAt === undefined ? 'still' : `ended ${view.endedAt - hungUpAt} ms`} ` +
        `after the ${party} hung up; it hears ${JSON.stringify(h.hears(otherSid))}`,
    );
  }
  return `${other} ${view.status} after ${view.endedAt - hungUpAt} ms`;
}

async function runStep(
  h: E2eHarness,
  call: CallUnderTest,
  state: ModelState,
  command: Command,
): Promise<{ next: ModelState; result: string }> {
  switch (command.type) {
    case 'advance': {
      await h.advance(command.ms);
      const next = advanceOutcome(state, command.ms);
      checkState(h, call, next);
      return { next, result: 'ok' };
    }
    case 'hangup': {
      armFault(h.emu, command.fault);
      let result: string;
      try {
        result = await hangUp(h, call, state, command.party);
      } finally {
        disarmFaults(h.emu);
      }
      const next = hangupOutcome();
      checkNothingLeft(h, call);
      return { next, result };
    }
    case 'outage': {
      // Every webhook to the functions fails for the whole window (an outage shorter
      // than the hold), then the functions are back; nobody may be dropped meanwhile.
      armOutage(h.emu, h.functions.url);
      try {
        await h.advance(command.ms);
      } finally {
        disarmFaults(h.emu);
      }
      const next = outageOutcome(call.mode, state, command.ms);
      checkState(h, call, next);
      return { next, result: 'ok' };
    }
    case 'burst':
      return runBurst(h, call, state as LiveState, command.requests);
    case 'hold':
    case 'unhold': {
      const sending = { withSid: command.withSid, handle: call.mode === 'dial' && command.withSid && call.handle !== undefined };
      const webhookFault = webhookFaultFor(h, call, command, sending.handle);
      const expected = controlOutcome(call.mode, state, { ...command, webhookFault }, sending);
      armFault(h.emu, command.fault);
      armWebhookFault(h.emu, h.functions.url, webhookFault);
      let reply;
      try {
        reply = await h.control(command.type, requestBody(call, command));
      } finally {
        disarmFaults(h.emu);
      }
      const result = `${reply.status} ${JSON.stringify(reply.body)}${expected.note ? ` (${expected.note})` : ''}`;
      checkAnswer(reply, expected.answers, call, state);
      rememberHandle(call, reply.body, sending.handle);
      checkState(h, call, expected.next);
      return { next: expected.next, result };
    }
  }
}

/** One property run: a fresh call, the sequence, then the final hang-up if still needed. */
export async function runSequence(h: E2eHarness, mode: Mode, sequence: Sequence): Promise<void> {
  await endLeftovers(h);
  const call = await freshCall(h, mode, sequence.startRinging);
  const trace: string[] = [`caller ${call.caller}, agent ${call.agent}${call.conferenceSid ? `, conference ${call.conferenceSid}` : ''}`];
  let state: ModelState = initialState(sequence.startRinging);
  const steps: Command[] = [...sequence.commands, { type: 'hangup', party: sequence.finalHangup, fault: { kind: 'none' } }];
  try {
    checkState(h, call, state);
    for (const [i, command] of steps.entries()) {
      if (!applicable(state, command)) {
        trace.push(`#${i} ${JSON.stringify(command)}: skipped (call already ended)`);
        continue;
      }
      const before = state;
      const { next, result } = await runStep(h, call, state, command);
      state = next;
      trace.push(`#${i} ${JSON.stringify(command)} in ${JSON.stringify(before)} -> ${result}`);
    }
    checkNothingLeft(h, call);
  } catch (error) {
    const failed = `at step #${trace.length - 1}: ${steps[trace.length - 1] ? JSON.stringify(steps[trace.length - 1]) : ''}`;
    const heard = `caller hears ${JSON.stringify(h.hears(call.caller))}, agent hears ${JSON.stringify(h.hears(call.agent))}`;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n  ${failed}\n  now: ${heard}\n  trace:\n    ${trace.join('\n    ')}`, { cause: error });
  }
}

export interface PropertySettings {
  seed: number;
  path?: string;
  numRuns: number;
}

/**
 * FC_SEED / FC_PATH replay a failure (fast-check prints both), FC_RUNS sets the number of runs:
 * 100 per mode by default, what `npm test` runs (a fresh seed each time); the deeper sweeps of
 * docs/reliability.md ran with FC_RUNS=200 to 500.
 */
export function propertySettings(mode: Mode): PropertySettings {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
  const path = process.env.FC_PATH || undefined;
  const numRuns = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 100;
  if (!Number.isInteger(seed) || !Number.isInteger(numRuns) || numRuns < 1) {
    throw new Error(`FC_SEED and FC_RUNS must be integers (FC_SEED=${process.env.FC_SEED}, FC_RUNS=${process.env.FC_RUNS})`);
  }
  console.log(
    `[property ${mode}] seed=${seed}${path ? ` path=${path}` : ''} numRuns=${numRuns} ` +
      `(replay: FC_SEED=${seed}${path ? ` FC_PATH=${path}` : ''} npx jest tests/property/${mode}.property.test.ts)`,
  );
  return { seed, path, numRuns };
}

/** The whole property for one mode; the harness is the test file's, started once in beforeAll. */
export async function checkProperty(harness: () => E2eHarness, mode: Mode, timeLimitMs: number): Promise<void> {
  const settings = propertySettings(mode);
  const started = Date.now();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(sequenceArb(mode), async (sequence) => {
      runs += 1;
      await runSequence(harness(), mode, sequence);
    }),
    {
      seed: settings.seed,
      path: settings.path,
      numRuns: settings.numRuns,
      // A run that takes too long (e.g. while shrinking) must fail, not pass silently.
      interruptAfterTimeLimit: timeLimitMs,
      markInterruptAsFailure: true,
    },
  );
  console.log(
    `[property ${mode}] ${runs} runs in ${((Date.now() - started) / 1000).toFixed(1)} s (seed=${settings.seed}); ` +
      `${burstStats.bursts} bursts, the last answer to arrive disagreed with the last update applied in ${burstStats.answerOrderDiffered}`,
  );
}
