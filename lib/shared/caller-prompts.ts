// What callers and agents are told. Kept together so the wording is reviewed in one place.
import { hangup, say, twiml, type Twiml } from '../platform/twiml';

export const AGENT_UNAVAILABLE = 'We are sorry, no one is available to take your call right now. Please try again later. Goodbye.';
export const CALLER_NOT_THERE = 'Your caller is no longer on the line. Goodbye.';
export const SERVICE_UNAVAILABLE = 'We are sorry, we cannot connect your call right now. Please try again later. Goodbye.';

/** Says a short message and ends the call, so nobody is left listening to music forever. */
export function sayAndHangUp(text: string): Twiml {
  return twiml(say(text), hangup());
}

export function emptyTwiml(): Twiml {
  return twiml();
}
