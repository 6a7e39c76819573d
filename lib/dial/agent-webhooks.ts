// Dial mode: the webhooks of the AGENT's leg. None of them is needed to keep anyone on the line:
// a failed answer leaves the agent in silence in its queue, or a caller on hold music, until the
// party hangs up (docs/reliability.md, "What one failed or slow webhook costs").
// twilio-rule: agent-webhooks-carry-parent-call-sid (callerOfAgentLeg)
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { AGENT_UNAVAILABLE, emptyTwiml, sayAndHangUp } from '../shared/caller-prompts';
import { agentHoldStep, callerStepWhenAgentLegEnded } from './decisions';
import { legState } from './legs';
import { sendTwimlToLeg } from '../shared/leg-twiml';
import { AGENT_LEFT, agentHoldTwiml, agentWaitsOnHold } from './twiml';
import { dialModeUrls } from './urls';
import { requiredCallSid, requiredText, wholeNumber } from '../platform/webhook-params';
import { agentQueueName, deleteHoldQueues, readHoldQueues } from './hold-queue';
import { badInput, logFailure } from '../platform/failure';
import { twimlResponse } from '../platform/responses';
import { twilioClient } from '../platform/twilio-client';
import type { FunctionEvent, HoldContext } from '../platform/env';
import {
  recordDialAgentLeg,
  recordDialCallerLeft,
  recordDialCallerStep,
  recordDialLimitResume,
  recordLimitUnenforced,
} from './record-events';
import { holdLimitConfig } from '../shared/settings';
import { agentLimitStep, type HoldLimit } from '../shared/hold-limit';
import { agentHoldLimitTwiml, CALLER_ON_HOLD, callerTakesAgentBack } from './twiml';
import { callerQueueName, callerWaitSeconds } from './hold-queue';
import { alertNoParentCallSid, checkHoldRules, lookAgainTwiml } from './rule-check';

/**
 * The caller a request about the agent's leg claims, checked against what Twilio itself sends
 * with it: the agent's leg is the caller's <Dial> child, so its ParentCallSid is the caller. A
 * request about any other call is refused (400) before anything is read or moved.
 */
function callerOfAgentLeg(event: FunctionEvent): { callerCallSid: string; agentCallSid: string } {
  const callerCallSid = requiredCallSid(event, 'CallerCallSid');
  const agentCallSid = requiredCallSid(event, 'CallSid');
  if (event.ParentCallSid === undefined) alertNoParentCallSid(agentCallSid);
  if (event.ParentCallSid !== callerCallSid) {
    throw badInput(`call ${agentCallSid} is not the agent leg of call ${callerCallSid}`);
  }
  return { callerCallSid, agentCallSid };
}

/**
 * POST /agent-hold-loop?CallerCallSid=...: the agent queue's waitUrl. "Your caller is on hold" once
 * per wait, then an hour of silence (Twilio asks again when it runs out). One read of the queues:
 * a caller waiting in its own queue is on hold, which is when the hold console records a hold
 * (the API itself writes no record). Otherwise one more read, of the caller's leg: an agent that
 * came back here because the caller hung up is told and released; one that came back for a
 * re-bridge is taken at once, and what it is told is never heard.
 */
export async function handleAgentHoldLoop(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const { callerCallSid } = callerOfAgentLeg(event);
  const client = twilioClient(context);
  const firstOfThisWait = event.QueueTime === undefined || event.QueueTime === '0';
  const queues = await readHoldQueues(client, callerCallSid).catch(() => undefined);
  if (queues?.callerWaiting) {
    checkHoldRules(callerCallSid, { callerWaiting: true, firstOfThisWait });
    const limit = holdLimitOf(context);
    if (booksTheHold(event.QueueTime, limit)) await recordDialCallerStep(context, callerCallSid, 'wait-on-hold', 'in-progress');
    if (limit)
      return twimlResponse(await enforceHoldLimit(context, callerCallSid, limit, queues.callerQueueSid, event.QueueTime, firstOfThisWait));
    return twimlResponse(agentHoldTwiml(firstOfThisWait ? 'announce' : 'silence'));
  }
  const callerLeg = await legState(client, callerCallSid);
  const step = agentHoldStep(callerLeg, firstOfThisWait);
  if (step === 'caller-left') await recordDialCallerLeft(context, callerCallSid);
  // The first hold of a deployment checks the rules a hold rests on (rule-check.ts).
  if (
    step !== 'caller-left' &&
    checkHoldRules(callerCallSid, { callerWaiting: queues?.callerWaiting, callerLeg, firstOfThisWait }) === 'look-again'
  ) {
    return twimlResponse(lookAgainTwiml(step === 'announce'));
  }
  return twimlResponse(agentHoldTwiml(step));
}

/**
 * The first request of a wait books the hold; so does a later one within the first 90 s, in case
 * the first failed (an outage of up to 60 s at the hold: Twilio asks again, docs/reliability.md).
 * Booking a held caller again is a no-op. With a limit, never from the limit on: the limit's resume
 * is booked before its update, and a retry after a failed update must not book a second hold.
 */
function booksTheHold(queueTime: unknown, limit: HoldLimit | undefined): boolean {
  if (queueTime === undefined) return true;
  const window = Math.min(HOLD_BOOKING_WINDOW_SECONDS, limit?.maxSeconds ?? Infinity);
  const waited = wholeNumber(queueTime);
  return waited !== undefined && waited < window;
}

const HOLD_BOOKING_WINDOW_SECONDS = 90;

function holdLimitOf(context: HoldContext): HoldLimit | undefined {
  try {
    return holdLimitConfig(context);
  } catch (error) {
    // A held call is never failed for a setting: /hold reports it; here the hold has no limit.
    logFailure(error, { instead: 'holding without a limit' });
    return undefined;
  }
}

/**
 * The hold limit on the agent's keep-alive loop (docs/hold-experience.md): the agent waits in
 * silence until the warning is due (a <Pause> that ends then, after which Twilio asks this waitUrl
 * again with a fresh QueueTime), hears the warning, waits until the limit, and at the limit the
 * caller's leg gets the resume's TwiML (one REST update, as /unhold with the handle). The record
 * is written first, so that the resume is counted as the limit's (by: limit). If the update fails,
 * the agent waits a few seconds and this runs again.
 */
async function enforceHoldLimit(
  context: HoldContext,
  callerCallSid: string,
  limit: HoldLimit,
  callerQueueSid: string | undefined,
  queueTime: unknown,
  first: boolean,
) {
  // The caller's own wait (one more request); if it cannot be read, the agent's QueueTime, which is
  // the same unless a /hold of the held call moved the agent into its queue again.
  const agentWait = wholeNumber(queueTime) ?? 0;
  const callerWait = callerQueueSid ? await callerWaitSeconds(twilioClient(context), callerQueueSid).catch(() => undefined) : undefined;
  const held = callerWait ?? agentWait;
  const step = agentLimitStep(limit, held, first ? CALLER_ON_HOLD : '');
  if (step.kind !== 'resume') return agentHoldLimitTwiml(step, first);
  await recordDialLimitResume(context, callerCallSid, held);
  const urls = dialModeUrls(context);
  const resume = callerTakesAgentBack(agentQueueName(callerCallSid), {
    queueName: callerQueueName(callerCallSid),
    waitUrl: urls.holdMusic,
    waitUrlMethod: urls.holdMusicMethod,
    actionUrl: urls.holdQueueEnded,
  });
  const delivery = await sendTwimlToLeg(twilioClient(context), callerCallSid, resume.toString(), 'resume the caller at the hold limit');
  console.log(`hold limit of ${callerCallSid} reached after ${held} s: resume ${delivery}`);
  if (delivery === 'failed') {
    // Reported, never silently lost: the loop tries again LIMIT_RETRY_SECONDS later.
    console.error(`hold limit of ${callerCallSid} not enforced after ${held} s: the resume failed`);
    await recordLimitUnenforced(context, callerCallSid, held);
  }
  return agentHoldLimitTwiml({ kind: 'wait', seconds: LIMIT_RETRY_SECONDS }, false);
}

/** If the automatic resume's update failed, the agent's loop asks again this much later. */
const LIMIT_RETRY_SECONDS = 5;

/**
 * POST /agent-rejoin-hold?CallerCallSid=...: the agent's hold TwiML ran out (it came back to its
 * queue agentQueueRejoins() times without a new hold): the same TwiML again. No REST request.
 */
export function handleAgentRejoinHold(context: HoldContext, event: FunctionEvent): TwilioResponse {
  const { callerCallSid } = callerOfAgentLeg(event);
  const urls = dialModeUrls(context);
  return twimlResponse(
    agentWaitsOnHold({
      queueName: agentQueueName(callerCallSid),
      waitUrl: urls.agentHoldLoop(callerCallSid),
      rejoinUrl: urls.agentRejoinHold(callerCallSid),
    }),
  );
}

/**
 * POST /agent-leg-status?CallerCallSid=...: the final status of the agent's leg. The agent is gone,
 * so whatever the caller was doing (its first <Dial>, its queue, or dialling the agent queue) it
 * is nobody's parent now and is told safely: "the agent left" after a bridge, an apology when the
 * agent never answered. Meanwhile the caller hears the hold music (its next verb), never silence.
 * Then the call's queues are deleted (one that still holds the caller is kept, and the caller's
 * own <Enqueue> action deletes it as the caller leaves).
 */
export async function handleAgentLegStatus(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const { callerCallSid, agentCallSid } = callerOfAgentLeg(event);
  const agentStatus = requiredText(event, 'CallStatus');
  // The console's record: answered gives it the agent leg; a final status, that the agent is gone.
  // It runs beside the caller's update and is waited for only until its deadline (lib/state/call-events.ts).
  const books = recordDialAgentLeg(context, callerCallSid, agentCallSid, agentStatus);
  const step = callerStepWhenAgentLegEnded(agentStatus);
  if (step === 'nothing') {
    await books;
    return twimlResponse(emptyTwiml());
  }
  const client = twilioClient(context);
  const text = step === 'agent-left' ? AGENT_LEFT : AGENT_UNAVAILABLE;
  const delivery = await sendTwimlToLeg(client, callerCallSid, sayAndHangUp(text).toString(), `tell the caller: ${step}`);
  console.log(`agent of ${callerCallSid} ended (${String(event.CallStatus)}): caller ${step}, ${delivery}`);
  // The caller's call is over too (it hung up first, and its first <Dial> has no action to say so).
  const ended = delivery === 'leg-gone' ? recordDialCallerLeft(context, callerCallSid) : undefined;
  await deleteHoldQueues(client, callerCallSid);
  await Promise.all([books, ended]);
  return twimlResponse(emptyTwiml());
}
