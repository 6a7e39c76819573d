// Dial mode's bookkeeping: what the caller's next step (decided by decisions.ts in the
// caller's Dial and Enqueue actions) and the agent leg's status callback mean for the record.
import type { HoldContext } from '../platform/env';
import { wholeNumber } from '../platform/webhook-params';
import { recordCallEnded, recordCallEvent } from '../state/call-events';
import type { CallerStep } from './decisions';

const ENDED_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** What the caller's Enqueue action says of its time in the hold queue. */
export interface HoldQueueExit {
  queueResult: string;
  /** QueueTime: seconds in the queue, measured by Twilio. */
  queueTime: unknown;
}

/**
 * The caller's Dial or Enqueue action decided the caller's next step. `callerStatus` is the
 * caller's own CallStatus, which Twilio sends with every action. From the Enqueue action, a caller
 * redirected out of the queue (told that the agent left) ends its hold with Twilio's QueueTime.
 */
export function recordDialCallerStep(
  context: HoldContext,
  callerCallSid: string,
  step: CallerStep,
  callerStatus: string,
  queue?: HoldQueueExit,
  now = new Date(),
): Promise<void> {
  if (ENDED_STATUSES.has(callerStatus)) return recordCallEnded(context, callerCallSid, now, seconds(queue?.queueTime));
  if (queue?.queueResult === 'redirected')
    return recordCallEvent(context, callerCallSid, { kind: 'hold-ended', at: now, heldSeconds: seconds(queue.queueTime) });
  switch (step) {
    case 'wait-on-hold':
      return recordCallEvent(context, callerCallSid, { kind: 'hold-started', at: now });
    case 'agent-unavailable':
    case 'agent-left':
    case 'cannot-hold':
      return recordCallEvent(context, callerCallSid, { kind: 'agent-gone', at: now, holdMeasuredLater: true });
    case 'nothing':
      return Promise.resolve();
  }
}

const seconds = wholeNumber;

/** The agent leg's status callback: answered (in-progress) or a final status. */
export function recordDialAgentLeg(
  context: HoldContext,
  callerCallSid: string,
  agentCallSid: string,
  agentStatus: string,
  now = new Date(),
): Promise<void> {
  if (agentStatus === 'in-progress') return recordCallEvent(context, callerCallSid, { kind: 'agent-connected', agentCallSid });
  // A held caller is then redirected out of the hold queue, whose Enqueue action measures the hold.
  if (ENDED_STATUSES.has(agentStatus))
    return recordCallEvent(context, callerCallSid, { kind: 'agent-gone', at: now, holdMeasuredLater: true });
  return Promise.resolve();
}

/** The caller's call is over: seen by the agent queue's waitUrl after a resume, or by the agent leg's status callback. */
export function recordDialCallerLeft(context: HoldContext, callerCallSid: string): Promise<void> {
  return recordCallEnded(context, callerCallSid);
}

/**
 * The hold limit resumed the caller (the agent's loop, before it moves the caller's leg): the hold
 * ends by the limit, measured by the agent queue's QueueTime. The Enqueue action that follows
 * finds the hold already ended and changes nothing.
 */
export function recordDialLimitResume(context: HoldContext, callerCallSid: string, heldSeconds: number, now = new Date()): Promise<void> {
  return recordCallEvent(context, callerCallSid, { kind: 'hold-ended', at: now, heldSeconds, by: 'limit' });
}

/** The hold limit's resume failed: reported on the record (and to HOLD_EVENTS_URL), once per hold. */
export function recordLimitUnenforced(context: HoldContext, callerCallSid: string, heldSeconds: number, now = new Date()): Promise<void> {
  return recordCallEvent(context, callerCallSid, { kind: 'limit-unenforced', at: now, heldSeconds });
}
