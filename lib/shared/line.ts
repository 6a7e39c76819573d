// The line of callers waiting for a busy agent (docs/line.md). Pure: the line's queue name, what a
// waiting caller hears, and what one request of the line's waitUrl decides, from what Twilio sends
// it (QueuePosition, QueueTime: https://www.twilio.com/docs/voice/twiml/enqueue#attributes-wait-url).
import { createHash } from 'node:crypto';
import { heldForWords } from './hold-reminder';

/** The words a waiting caller hears at the wait limit, before the call ends. */
export const LINE_WAIT_OVER = 'We are sorry, the agent is still busy. Please try again later. Goodbye.';

/** The words a caller hears when the line is full (LINE_MAX_CALLERS), before the call ends. */
export const LINE_FULL = 'We are sorry, all our lines are busy. Please try again later. Goodbye.';

/**
 * The line's Twilio queue, one per agent address: "line-" and 16 hex digits of its SHA-256, within
 * the 64 characters a queue name may have (<Enqueue>, https://www.twilio.com/docs/voice/twiml/enqueue),
 * and without the agent's number in it (queue names show in Twilio's console and logs).
 */
export function lineQueueName(agentAddress: string): string {
  return `line-${createHash('sha256').update(agentAddress).digest('hex').slice(0, 16)}`;
}

/** "You are number 2 in line." and, from a minute on, the wait: "You have been waiting for about 3 minutes." */
export function linePositionWords(position: number, waitedSeconds: number): string {
  const place = position <= 1 ? 'You are next in line.' : `You are number ${position} in line.`;
  return waitedSeconds < 60 ? place : `${place} You have been waiting for ${heldForWords(waitedSeconds)}.`;
}

export interface LineWaitRequest {
  /** Twilio's QueuePosition: 1 = the front. */
  position: number;
  /** Twilio's QueueTime, whole seconds in the line. */
  waitedSeconds: number;
}

export interface LineSettings {
  /** LINE_MAX_WAIT_SECONDS */
  maxWaitSeconds: number;
  /** How long one play of the hold music lasts. */
  musicSeconds: number;
  /** Plays of the music between two announcements (the reminders' interval, or one play). */
  playsPerAnnouncement: number;
}

export type LineWaitStep =
  /** The wait limit is reached: the caller is told and the call ends. */
  | { kind: 'wait-over' }
  /** The caller hears where it stands, then `plays` plays of the music; Twilio asks again after them. */
  | { kind: 'wait'; words: string; plays: number };

/**
 * One waitUrl request: the limit, or the announcement and as many plays of the music as fit before
 * the next announcement or the limit (at least one: a play cannot be cut short, so the limit is
 * honoured within one play of the music).
 */
export function lineWaitStep(request: LineWaitRequest, settings: LineSettings): LineWaitStep {
  const left = settings.maxWaitSeconds - request.waitedSeconds;
  if (left <= 0) return { kind: 'wait-over' };
  const plays = Math.max(1, Math.min(settings.playsPerAnnouncement, Math.ceil(left / settings.musicSeconds)));
  return { kind: 'wait', words: linePositionWords(request.position, request.waitedSeconds), plays };
}
