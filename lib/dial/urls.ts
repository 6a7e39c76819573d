// Dial mode's webhook URLs. A later webhook needs SIDs that Twilio does not send it, so they travel
// in the URL's query; Twilio signs the full URL including the query (X-Twilio-Signature), so a
// protected function can trust them.
import { functionUrl } from '../platform/function-url';
import { HOLD_MUSIC_FUNCTION_PATH } from '../shared/hold-music';
import type { HoldContext } from '../platform/env';

export const DIAL_ENDED_PATH = '/dial-ended';
export const HOLD_QUEUE_ENDED_PATH = '/hold-queue-ended';
export const HOLD_QUEUE_DEQUEUED_PATH = '/hold-queue-dequeued';
export const AGENT_HOLD_LOOP_PATH = '/agent-hold-loop';
export const AGENT_LEG_STATUS_PATH = '/agent-leg-status';
export const AGENT_DIAL_ENDED_PATH = '/agent-dial-ended';

/** Set on the hold loop's own <Redirect>, so "your caller is on hold" is said once per hold. */
export const ANNOUNCED_PARAM = 'Announced';

export interface DialModeUrls {
  /** The caller's <Dial action>: Twilio sends DialCallSid (the agent's leg) itself. */
  dialEnded: string;
  /** The caller's <Enqueue action>: it must know the agent's leg. */
  holdQueueEnded(agentCallSid: string): string;
  /** The agent's <Dial><Queue url>: requested as the caller is taken out of the queue. */
  holdQueueDequeued: string;
  /** The hold music, as the queue's waitUrl. */
  holdMusic: string;
  agentHoldLoop(announced: boolean): string;
  /** The status callback on the agent's <Number>/<Client>/<Sip>: it must know the caller. */
  agentLegStatus(callerCallSid: string): string;
  /** The agent's <Dial><Queue> action: it must know the caller. */
  agentDialEnded(callerCallSid: string): string;
}

export function dialModeUrls(context: Pick<HoldContext, 'DOMAIN_NAME'>): DialModeUrls {
  return {
    dialEnded: functionUrl(context, DIAL_ENDED_PATH),
    holdQueueEnded: (agentCallSid) => functionUrl(context, HOLD_QUEUE_ENDED_PATH, { AgentCallSid: agentCallSid }),
    holdQueueDequeued: functionUrl(context, HOLD_QUEUE_DEQUEUED_PATH),
    holdMusic: functionUrl(context, HOLD_MUSIC_FUNCTION_PATH),
    agentHoldLoop: (announced) =>
      functionUrl(context, AGENT_HOLD_LOOP_PATH, announced ? { [ANNOUNCED_PARAM]: 'true' } : {}),
    agentLegStatus: (callerCallSid) => functionUrl(context, AGENT_LEG_STATUS_PATH, { CallerCallSid: callerCallSid }),
    agentDialEnded: (callerCallSid) => functionUrl(context, AGENT_DIAL_ENDED_PATH, { CallerCallSid: callerCallSid }),
  };
}
