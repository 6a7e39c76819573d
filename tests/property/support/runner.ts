// Runs one generated sequence against the real system: a fresh call through the emulator and the
// built functions under twilio-run (real HTTP both ways), every step interpreted, the model advanced
// alongside, and the invariants checked after every step.
import fc from 'fast-check';
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, type E2eHarness } from '../../../harness/e2e';
import { armFault, armOutage, armWebhookFault, disarmFaults } from './faults';
import {
  checkAnswer,
  checkNothingLeft,
  checkState,
  InvariantViolation,
  isLive,
  sidOf,
  type CallUnderTest,
} from './invariants';
import {
  advanceOutcome,
  applicable,
  burstOutcome,
  controlOutcome,
  hangupOutcome,
  initialState,
  releaseOf,
  type Command,
  type ControlCommand,
  type LiveState,
  type Mode,
  type AnswerSpec,
  type ModelState,
  type Party,
  type Sequence,
} from './model';
import { sequenceArb } from './generators';

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
    call = { mode, caller, agent, earlierCalls };
  } else {
    const conference = h.emu.conferences().find((c) => c.friendlyName === caller);
    const agent = conference?.participants.find((p) => p.label === 'agent')?.callSid;
    if (!conference || !agent) throw new Error(`conference mode: no conference with an agent for ${caller}`);
    call = { mode, caller, agent, conferenceSid: conference.sid, earlierCalls };
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
function rememberHandle(call: CallUnderTest, body: Record<string, unknown>): void {
  if (typeof body.agentHandle === 'string') call.handle = body.agentHandle;
}

/**
 * The burst: every request sent at once, straight to the functions (no settling in between), the
 * answers ordered as they arrived; then everything settles and the call must be as the last 200
 * says (or as it was, if no request won).
 */
async function runBurst(h: E2eHarness, call: CallUnderTest, state: LiveState, requests: Pick<ControlCommand, 'type' | 'participant' | 'withSid'>[]): Promise<{ next: ModelState; result: string }> {
  const arrived: { status: number; held?: boolean; party: Party; type: string; body: Record<string, unknown> }[] = [];
  await Promise.all(
    requests.map(async (request) => {
      const response = await fetch(`${h.functions.url}/${request.type}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${HOLD_API_TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(requestBody(call, request)).toString(),
      });
      const body = (await response.json()) as Record<string, unknown>;
      const party: Party = call.mode === 'conference' ? request.participant ?? 'caller' : 'caller';
      arrived.push({ status: response.status, held: typeof body.held === 'boolean' ? body.held : undefined, party, type: request.type, body });
    }),
  );
  await h.emu.settle();
  for (const answer of arrived) {
    // Each answers for itself: a 200 that says what it was asked, or a 409 for a loser.
    const expected: AnswerSpec[] = [{ status: 200, held: answer.type === 'hold' }, { status: 409, error: 'conflict' }];
    checkAnswer({ status: answer.status, body: answer.body }, expected, call, state);
    rememberHandle(call, answer.body);
  }
  const next = burstOutcome(call.mode, state, arrived);
  checkState(h, call, next);
  return { next, result: arrived.map((a) => `${a.type}${a.party === 'agent' ? '(agent)' : ''}->${a.status}${a.held === undefined ? '' : ` held:${a.held}`}`).join(', ') };
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

async function runStep(h: E2eHarness, call: CallUnderTest, state: ModelState, command: Command): Promise<{ next: ModelState; result: string }> {
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
      // Every webhook to the functions fails for the whole window (issue 9: an outage shorter
      // than the hold), then the functions are back; nobody may be dropped meanwhile.
      armOutage(h.emu, h.functions.url);
      try {
        await h.advance(command.ms);
      } finally {
        disarmFaults(h.emu);
      }
      const next = advanceOutcome(state, command.ms);
      checkState(h, call, next);
      return { next, result: 'ok' };
    }
    case 'burst':
      return runBurst(h, call, state as LiveState, command.requests);
    case 'hold':
    case 'unhold': {
      const sending = { withSid: command.withSid, handle: call.mode === 'dial' && command.withSid && call.handle !== undefined };
      const expected = controlOutcome(call.mode, state, command, sending);
      armFault(h.emu, command.fault);
      armWebhookFault(h.emu, h.functions.url, command.webhookFault);
      let reply;
      try {
        reply = await h.control(command.type, requestBody(call, command));
      } finally {
        disarmFaults(h.emu);
      }
      const result = `${reply.status} ${JSON.stringify(reply.body)}${expected.note ? ` (${expected.note})` : ''}`;
      checkAnswer(reply, expected.answers, call, state);
      rememberHandle(call, reply.body);
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
    throw new Error(`${message}\n  ${failed}\n  now: ${heard}\n  trace:\n    ${trace.join('\n    ')}`);
  }
}

export interface PropertySettings {
  seed: number;
  path?: string;
  numRuns: number;
}

/** FC_SEED / FC_PATH replay a failure (fast-check prints both), FC_RUNS sets the number of runs. */
export function propertySettings(mode: Mode): PropertySettings {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
  const path = process.env.FC_PATH || undefined;
  const numRuns = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 200;
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
  console.log(`[property ${mode}] ${runs} runs in ${((Date.now() - started) / 1000).toFixed(1)} s (seed=${settings.seed})`);
}
