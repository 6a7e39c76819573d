// The line of callers waiting for a busy agent (docs/line.md), both modes. A caller who arrives
// while the agent is on another call (ringing, talking or holding) joins one Twilio queue per agent
// with <Enqueue>, whose members Twilio keeps in arrival order; its waitUrl (/line-wait) tells the
// caller its place and wait between plays of the hold music. The first caller is connected when the
// agent is free: at once when the agent's call ends (connectNextInLine, from the agent leg's final
// status callback), and otherwise at the next chance, the next /line-wait request of any caller in
// line or the next incoming call, so a connection missed during an outage is taken afterwards.
// Whether the agent is busy is read from Twilio itself (calls to the agent's address that are
// queued, ringing or in progress; the line's size), never from Sync, within BUSY_READ_BUDGET_MS.
// twilio-rule: enqueue-waiturl-loops (the waitUrl is asked again when its document runs out, and 10 s
// after a fetch that failed: so a caller whose /line-wait fell into an outage is asked again and hears
// the music once the functions are back; docs/twilio-voice-semantics.md, Queues)
import type { Twilio } from 'twilio';
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { emptyTwiml, sayAndHangUp, SERVICE_UNAVAILABLE } from './shared/caller-prompts';
import { agentAddress, DEFAULT_LINE_MAX_WAIT_SECONDS, lineMaxCallers, lineMaxWaitSeconds, reminderConfig } from './shared/settings';
import { settleWithin } from './platform/deadline';
import { isFailure, logFailure } from './platform/failure';
import { functionUrl } from './platform/function-url';
import type { PartyAddress } from './platform/party-address';
import { twimlResponse } from './platform/responses';
import { twilioClient } from './platform/twilio-client';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from './platform/twilio-request';
import { enqueue, play, say, twiml, type Twiml } from './platform/twiml';
import { requiredCallSid, wholeNumber } from './platform/webhook-params';
import type { FunctionEvent, HoldContext } from './platform/env';
import { BUNDLED_MUSIC_SECONDS, playsPerReminder } from './shared/hold-reminder';
import { holdMusicAudioUrl, reminderSayAttributes } from './shared/hold-music';
import { LINE_FULL, LINE_WAIT_OVER, lineQueueName, lineWaitStep, type LineSettings } from './shared/line';
import { recordCallEnded, recordCallEvent } from './state/call-events';
import { agentRingerOf } from './hold-mode';
import { sendTwimlToLeg } from './shared/leg-twiml';

export const LINE_WAIT_PATH = '/line-wait';
export const LINE_LEFT_PATH = '/line-left';

/**
 * The reads that decide whether the agent is busy end within this: an incoming call must be
 * answered well within Twilio's 15 s webhook timeout (https://www.twilio.com/docs/errors/11200).
 */
export const BUSY_READ_BUDGET_MS = 3000;
const READ_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, budgetMs: BUSY_READ_BUDGET_MS };

/** The statuses of a call to the agent that make the agent busy (Call resource, Status). */
const BUSY_STATUSES = ['queued', 'ringing', 'in-progress'] as const;

/** Twilio's largest page of a list (PageSize 1..1000). */
const QUEUE_PAGE_SIZE = 1000;

export interface LineState {
  agentBusy: boolean;
  /** The line queue's SID, if the queue exists. */
  queueSid?: string;
  /** How many callers wait in line. */
  waiting: number;
}

async function agentIsBusy(client: Twilio, agent: PartyAddress): Promise<boolean> {
  const lists = await Promise.all(
    BUSY_STATUSES.map((status) =>
      callTwilio(`list the agent's ${status} calls`, () => client.calls.list({ to: agent.value, status, limit: 1 }), READ_POLICY),
    ),
  );
  return lists.some((calls) => calls.length > 0);
}

async function findLine(client: Twilio, name: string): Promise<{ sid: string; size: number } | undefined> {
  const queues = await callTwilio(
    'find the line',
    () => client.queues.list({ pageSize: QUEUE_PAGE_SIZE, limit: QUEUE_PAGE_SIZE }),
    READ_POLICY,
  );
  const queue = queues.find((q) => q.friendlyName === name);
  return queue ? { sid: queue.sid, size: queue.currentSize } : undefined;
}

/** LINE_MAX_WAIT_SECONDS=0 turns the line off; a misconfigured value keeps it on (with the default limit). */
export function lineOn(context: HoldContext): boolean {
  try {
    return lineMaxWaitSeconds(context) !== undefined;
  } catch (error) {
    logFailure(error, { instead: `keeping the line, with its default limit of ${DEFAULT_LINE_MAX_WAIT_SECONDS} s` });
    return true;
  }
}

function maxWaitSeconds(context: HoldContext): number {
  try {
    return lineMaxWaitSeconds(context) ?? DEFAULT_LINE_MAX_WAIT_SECONDS;
  } catch {
    return DEFAULT_LINE_MAX_WAIT_SECONDS;
  }
}

/**
 * The agent's state and the line's, read from Twilio; undefined when the line is off or the state
 * cannot be read in time.
 */
export async function readLine(context: HoldContext): Promise<LineState | undefined> {
  if (!lineOn(context)) return undefined;
  const client = twilioClient(context);
  const agent = agentAddress(context);
  try {
    const read = await settleWithin(
      Promise.all([agentIsBusy(client, agent), findLine(client, lineQueueName(agent.value))]),
      BUSY_READ_BUDGET_MS,
    );
    if (!read.done) throw new Error(`no answer within ${BUSY_READ_BUDGET_MS} ms`);
    const [agentBusy, line] = read.value;
    return { agentBusy, queueSid: line?.sid, waiting: line?.size ?? 0 };
  } catch (error) {
    logFailure(error, { failed: 'could not read whether the agent is busy' });
    return undefined;
  }
}

/** LINE_MAX_CALLERS reached: true when `waiting` callers already fill the line (a misconfiguration: no limit, logged). */
export function lineIsFull(context: HoldContext, waiting: number): boolean {
  try {
    const max = lineMaxCallers(context);
    return max !== undefined && waiting >= max;
  } catch (error) {
    logFailure(error, { instead: 'no limit on the callers in line' });
    return false;
  }
}

/** A caller who finds the line full is told and released. */
export function lineFullTwiml(): Twiml {
  return sayAndHangUp(LINE_FULL);
}

/** The caller joins the line: the hold music and its place between plays, until connected or the limit. */
export function callerJoinsLine(context: HoldContext): Twiml {
  return twiml(
    enqueue(lineQueueName(agentAddress(context).value), {
      action: functionUrl(context, LINE_LEFT_PATH),
      method: 'POST',
      waitUrl: functionUrl(context, LINE_WAIT_PATH),
      waitUrlMethod: 'POST',
    }),
  );
}

/**
 * Connects the first caller in line to the agent: conference mode adds the agent to that caller's
 * conference; both modes then give the caller's call the TwiML that connects it, inline, which
 * takes it out of the queue (a REST update of a queued call: Call resource, Twiml). Nothing happens
 * if the line is empty, the agent is busy, or the first caller is no longer in line.
 * Returns the CallSid connected, if any.
 */
export async function connectFirstInLine(context: HoldContext, known?: LineState): Promise<string | undefined> {
  const state = known ?? (await readLine(context));
  if (!state || state.agentBusy || state.queueSid === undefined || state.waiting === 0) return undefined;
  const client = twilioClient(context);
  const queueSid = state.queueSid;
  let first: string;
  let calledNumber: string;
  let from: string;
  try {
    first = (await callTwilio('read the first caller in line', () => client.queues(queueSid).members('Front').fetch(), READ_POLICY))
      .callSid;
    ({ to: calledNumber, from } = await callTwilio("read the first caller's call", () => client.calls(first).fetch(), READ_POLICY));
  } catch (error) {
    if (!(isFailure(error) && error.kind === 'not-found')) logFailure(error, { failed: 'could not read the line' });
    return undefined;
  }
  const connect = await agentRingerOf(context).ringAgent(context, { callSid: first, calledNumber }, from);
  // Twilio would not place the agent's call: the caller stays in line for the next chance.
  if (!connect.agentRung) return undefined;
  const delivery = await sendTwimlToLeg(client, first, connect.twiml.toString(), 'connect the first caller in line');
  if (delivery !== 'delivered') return undefined;
  await recordCallEvent(context, first, { kind: 'line-left' });
  return first;
}

function lineSettings(context: HoldContext): LineSettings {
  let reminders;
  try {
    reminders = reminderConfig(context);
  } catch (error) {
    // A caller in line must hear music, not an error: the /hold API reports the misconfiguration.
    logFailure(error, { instead: 'announcing the line every play of the music' });
  }
  const musicSeconds = reminders?.musicSeconds ?? BUNDLED_MUSIC_SECONDS;
  return {
    // A caller already in line when the line was turned off still has a limit.
    maxWaitSeconds: maxWaitSeconds(context),
    musicSeconds,
    playsPerAnnouncement: reminders ? playsPerReminder({ everySeconds: reminders.everySeconds, musicSeconds }) : 1,
  };
}

/**
 * POST /line-wait, the line's waitUrl: the caller's place and wait, then the music; Twilio asks
 * again when the document runs out, with a fresh QueuePosition and QueueTime. At the limit, the
 * caller is told and the call ends. Each request is also a chance to connect the first caller.
 */
export async function answerLineWait(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callSid = requiredCallSid(event, 'CallSid');
  const position = wholeNumber(event.QueuePosition) ?? 1;
  const waited = wholeNumber(event.QueueTime) ?? 0;
  const settings = lineSettings(context);
  const step = lineWaitStep({ position, waitedSeconds: waited }, settings);
  if (step.kind === 'wait-over') return twimlResponse(sayAndHangUp(LINE_WAIT_OVER));
  const voice = reminderSayAttributes({ voice: context.HOLD_VOICE?.trim() || undefined });
  await Promise.all([
    connectFirstInLine(context, undefined).catch((error) => logFailure(error, { failed: 'could not connect the first caller in line' })),
    recordCallEvent(context, callSid, { kind: 'line-position', position }),
  ]);
  return twimlResponse(twiml(say(step.words, voice), play(holdMusicAudioUrl(context), { loop: step.plays })));
}

/**
 * POST /line-left, the line's <Enqueue action>: requested when a caller leaves the line (Twilio
 * sends QueueResult). Connected callers and hang-ups: the answer is ignored; a hang-up removes
 * the record. A caller Twilio could not queue hears an apology.
 */
export async function answerLineLeft(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callSid = requiredCallSid(event, 'CallSid');
  const result = typeof event.QueueResult === 'string' ? event.QueueResult : '';
  if (result === 'hangup') {
    await recordCallEnded(context, callSid);
    return twimlResponse(emptyTwiml());
  }
  if (result === 'queue-full' || result === 'error' || result === 'system-error') {
    await recordCallEnded(context, callSid);
    return twimlResponse(sayAndHangUp(SERVICE_UNAVAILABLE));
  }
  return twimlResponse(emptyTwiml());
}

/** The agent's call ended (its leg's final status callback): the first caller in line is connected. */
export async function connectNextInLine(context: HoldContext, event: FunctionEvent): Promise<void> {
  if (event.CallStatus !== 'completed' || !lineOn(context)) return;
  try {
    await connectFirstInLine(context);
  } catch (error) {
    logFailure(error, { failed: 'could not connect the next caller in line' });
  }
}
