// The hold limit (docs/hold-experience.md): HOLD_WARNING_SECONDS before HOLD_MAX_SECONDS the agent is warned, at
// the limit the caller is resumed. Pure: what is due for a party held `heldSeconds`. The timers are
// Twilio's own (<Pause> lengths and re-requested URLs): stateless functions cannot sleep.
import type { HoldEnv } from '../platform/env';
import { heldForWords, speechSeconds } from './hold-reminder';
import { holdLimitConfig } from './settings';

export interface HoldLimit {
  maxSeconds: number;
  warningSeconds: number;
}

/** What the agent hears at the warning: the time held is the limit minus the warning. */
export function holdWarningWords(heldSeconds: number): string {
  return `Your caller has been on hold for ${heldForWords(heldSeconds)}.`;
}

/** What the agent hears first while its caller is held (dial mode's agent queue, conference mode's timer). */
export const CALLER_ON_HOLD = 'Your caller is on hold.';

/** What a caller hears when the limit comes and the agent is gone. */
export const HOLD_LIMIT_NO_AGENT = 'We are sorry, the agent is no longer available. Please call again later. Goodbye.';

export type LimitStep =
  /** Nothing due yet: wait (silence for the agent) this many whole seconds, then ask again. */
  | { kind: 'wait'; seconds: number }
  /** The warning is due: say it, then wait until the limit. */
  | { kind: 'warn'; words: string; thenWaitSeconds: number }
  /** The limit is reached: resume the caller. */
  | { kind: 'resume' };

/**
 * Dial mode's agent loop: from Twilio's QueueTime of the agent queue (whole seconds, rounded down;
 * the agent entered it at the hold). Each wait ends at or just after the next due time (the words
 * said before it are subtracted rounded down), so the next request sees it due; a speech shorter
 * than the estimate only makes one more short wait. `spokenFirst` is said before a first wait.
 */
export function agentLimitStep(limit: HoldLimit, queueSeconds: number, spokenFirst = ''): LimitStep {
  const warnAt = limit.maxSeconds - limit.warningSeconds;
  const spoken = spokenFirst ? Math.floor(speechSeconds(spokenFirst)) : 0;
  if (queueSeconds < warnAt) return { kind: 'wait', seconds: Math.max(1, warnAt - queueSeconds - spoken) };
  if (queueSeconds < limit.maxSeconds) {
    const words = holdWarningWords(queueSeconds);
    return { kind: 'warn', words, thenWaitSeconds: Math.max(1, limit.maxSeconds - queueSeconds - Math.floor(speechSeconds(words))) };
  }
  return { kind: 'resume' };
}

/**
 * HOLD_MAX_SECONDS is set: in conference mode an agent held while its caller is held is then the
 * limit's timer (lib/conference/hold-limit.ts). A misconfigured limit holds without one (the /hold
 * API reports it).
 */
export function holdLimitSet(env: HoldEnv): boolean {
  try {
    return holdLimitConfig(env) !== undefined;
  } catch {
    return false;
  }
}

/**
 * A held caller whose record says it is held this long past the limit has lost its timer (an
 * outage at one of the timer's requests): GET /calls resumes it, and the end of the hold reports
 * it. The timer itself resumes within a round trip of the limit; this leaves it room, so that the
 * two never race.
 */
export const LATE_LIMIT_SECONDS = 10;

/** When a caller's hold is overdue for the record (state/call-record.ts, reportOverdueLimit); undefined without a (valid) limit. */
export function holdOverdueAfter(env: HoldEnv): { maxSeconds: number; lateBySeconds: number } | undefined {
  try {
    const limit = holdLimitConfig(env);
    return limit && { maxSeconds: limit.maxSeconds, lateBySeconds: LATE_LIMIT_SECONDS };
  } catch {
    return undefined;
  }
}
