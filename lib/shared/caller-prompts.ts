// What callers and agents are told. Kept together so the wording is reviewed in one place.
import twilio from 'twilio';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

export const AGENT_UNAVAILABLE =
  'We are sorry, no one is available to take your call right now. Please try again later. Goodbye.';
export const CALLER_NOT_THERE = 'Your caller is no longer on the line. Goodbye.';
export const SERVICE_UNAVAILABLE =
  'We are sorry, we cannot connect your call right now. Please try again later. Goodbye.';

/** Says a short message and ends the call, so nobody is left listening to music forever. */
export function sayAndHangUp(text: string): VoiceResponse {
  const twiml = new twilio.twiml.VoiceResponse();
  twiml.say(text);
  twiml.hangup();
  return twiml;
}

export function emptyTwiml(): VoiceResponse {
  return new twilio.twiml.VoiceResponse();
}
