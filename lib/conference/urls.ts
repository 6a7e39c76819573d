// Conference mode's webhook URLs: paths only, and the URLs built from them, so that a function that
// hands Twilio a URL bundles none of the code that answers it.
import { functionUrl } from '../platform/function-url';
import type { HoldContext } from '../platform/env';

/** The agent leg's status callback (absolute URLs carry CallerCallSid). */
export const AGENT_STATUS_PATH = '/agent-status';
/** The agent's waitUrl, heard only if the caller is not there (absolute URLs carry CallerCallSid). */
export const AGENT_ALONE_PATH = '/agent-alone';
/** The conference's status callback: the call's record (status-callback.ts). */
export const CONFERENCE_STATUS_PATH = '/conference-status';
/** What the conference reports to CONFERENCE_STATUS_PATH (keywords of statusCallbackEvent). */
export const CONFERENCE_STATUS_EVENTS = ['join', 'leave', 'hold', 'end'] as const;
/** The agent's holdUrl while its caller is held with a limit: the limit's timer (hold-limit.ts). */
export const AGENT_HOLD_TIMER_PATH = '/agent-hold-timer';

/**
 * The agent's holdUrl while its caller is held with a limit. Requested afresh at each hold of the
 * agent, so HeldFor starts at 0; `Step=retry` after a resume that failed (hold-limit.ts).
 */
export function agentHoldTimerUrl(context: HoldContext, callerCallSid: string, heldFor = '0', retry = false): string {
  return functionUrl(context, AGENT_HOLD_TIMER_PATH, {
    CallerCallSid: callerCallSid,
    HeldFor: heldFor,
    ...(retry ? { Step: 'retry' } : {}),
  });
}
