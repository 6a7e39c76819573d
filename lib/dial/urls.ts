// Dial mode's webhook URLs. A later webhook needs SIDs that Twilio does not send it, so they travel
// in the URL's query; Twilio signs the full URL including the query (X-Twilio-Signature). Each
// handler still checks them against what Twilio sends (ParentCallSid, CallSid): see
// agent-webhooks.ts and caller-webhooks.ts.
import { functionUrl } from '../platform/function-url';
import { remindersWanted } from '../shared/settings';
import { HOLD_MUSIC_FUNCTION_PATH, holdMusicAudioUrl } from '../shared/hold-music';
import type { HoldContext } from '../platform/env';

export const HOLD_QUEUE_ENDED_PATH = '/hold-queue-ended';
export const AGENT_HOLD_LOOP_PATH = '/agent-hold-loop';
export const AGENT_REJOIN_HOLD_PATH = '/agent-rejoin-hold';
export const AGENT_LEG_STATUS_PATH = '/agent-leg-status';

export interface DialModeUrls {
  /** The caller's <Enqueue action>: requested on every way out of the caller queue. */
  holdQueueEnded: string;
  /**
   * The caller queue's waitUrl: the hold music AUDIO itself (an asset, or HOLD_MUSIC_URL), not a
   * function, so a held caller's music never depends on a function answering. Twilio plays an
   * audio waitUrl and requests it again when it ends (docs/twilio-voice-semantics.md, "Queues").
   * With hold reminders on (HOLD_REMINDER_SECONDS), /hold-music instead: the reminders need
   * Twilio's QueueTime, so the held caller needs our functions once per batch of reminders.
   */
  holdMusic: string;
  /** GET for the audio file, POST for /hold-music (our webhooks answer POST only). */
  holdMusicMethod: 'GET' | 'POST';
  /** The agent queue's waitUrl: "your caller is on hold", then a long silence. */
  agentHoldLoop(callerCallSid: string): string;
  /** Requested only if the agent's hold TwiML runs out (after many re-bridges): more of it. */
  agentRejoinHold(callerCallSid: string): string;
  /** The status callback on the agent's <Number>/<Client>/<Sip>: it must know the caller. */
  agentLegStatus(callerCallSid: string): string;
}

export function dialModeUrls(context: HoldContext): DialModeUrls {
  return {
    holdQueueEnded: functionUrl(context, HOLD_QUEUE_ENDED_PATH),
    holdMusic: remindersWanted(context) ? functionUrl(context, HOLD_MUSIC_FUNCTION_PATH) : holdMusicAudioUrl(context),
    holdMusicMethod: remindersWanted(context) ? 'POST' : 'GET',
    agentHoldLoop: (callerCallSid) => functionUrl(context, AGENT_HOLD_LOOP_PATH, { CallerCallSid: callerCallSid }),
    agentRejoinHold: (callerCallSid) => functionUrl(context, AGENT_REJOIN_HOLD_PATH, { CallerCallSid: callerCallSid }),
    agentLegStatus: (callerCallSid) => functionUrl(context, AGENT_LEG_STATUS_PATH, { CallerCallSid: callerCallSid }),
  };
}
