// Conference mode's webhook URLs: paths only, and the URLs built from them, so that a function that
// hands Twilio a URL bundles none of the code that answers it.
import { functionUrl } from '../platform/function-url';
import type { HoldContext } from '../platform/env';
import { HOLD_MUSIC_FUNCTION_PATH } from '../shared/hold-music';

/** The agent leg's status callback (absolute URLs carry CallerCallSid). */
export const AGENT_STATUS_PATH = '/agent-status';
/** The agent's waitUrl, heard only if the caller is not there (absolute URLs carry CallerCallSid). */
export const AGENT_ALONE_PATH = '/agent-alone';
/** The conference's status callback: the call's record (status-callback.ts). */
export const CONFERENCE_STATUS_PATH = '/conference-status';
/** What the conference reports to CONFERENCE_STATUS_PATH (keywords of statusCallbackEvent). */
export const CONFERENCE_STATUS_EVENTS = ['join', 'leave', 'hold', 'end'] as const;
/** The announcement to the agent before the hold limit (hold-limit.ts). */
export const HOLD_WARNING_PATH = '/hold-warning';

/** The holdUrl of a caller's hold with a limit: requested afresh at each hold, so HeldFor starts at 0. */
export function limitedHoldUrl(context: HoldContext, callerCallSid: string): string {
  return functionUrl(context, HOLD_MUSIC_FUNCTION_PATH, { CallerCallSid: callerCallSid, HeldFor: '0' });
}
