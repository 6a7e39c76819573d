// Screening the agent's answer (both modes): a number or SIP agent's phone may be answered by a
// voicemail, an answering machine, or a forward of a busy phone. So the leg that answers first
// hears who is calling inside a <Gather>, and only a key press connects it to the caller; without
// one it hangs up, which counts as "not answered" and the caller is told, as when nobody answers.
// Dial mode runs this as the agent's <Number url>/<Sip url> ("run on the called party's end, after
// they answer, but before the parties are connected ... a chance to decline the phone call using
// <Gather> and <Hangup>", https://www.twilio.com/docs/voice/twiml/number#url); conference mode as
// the TwiML of the agent's own call, which joins the conference only after the key.
import { functionUrl } from '../platform/function-url';
import type { HoldContext } from '../platform/env';
import type { ScreeningConfig } from './settings';
import { gather, hangup, say, twiml, type Twiml } from '../platform/twiml';

/** The screening webhook: the prompt (dial mode's <Number url>) and the key press (both modes). */
export const AGENT_SCREEN_PATH = '/agent-screen';

export const DEFAULT_SCREENING_TEXT = 'A call from {from}. Press any key to take it.';

/**
 * How long the agent has to press a key once the words have been said. A <Gather> that hears no key
 * in `timeout` seconds goes on with the next verb (https://www.twilio.com/docs/voice/twiml/gather),
 * here <Hangup>: a voicemail greeting or an answering machine never presses one.
 */
export const SCREENING_TIMEOUT_SECONDS = 5;

/** The caller's number as the agent hears it: digit by digit; a withheld or odd one in words. */
export function spokenNumber(from: string): string {
  const digits = /^\+?(\d{2,15})$/.exec(from.trim());
  return digits ? digits[1].split('').join(' ') : 'a withheld number';
}

export function screeningWords(config: ScreeningConfig, from: string): string {
  return (config.text ?? DEFAULT_SCREENING_TEXT).split('{from}').join(spokenNumber(from));
}

/** Where the agent's key press is sent: its answer connects the agent (screen-step 'accept'). */
export function screeningAcceptUrl(context: Pick<HoldContext, 'DOMAIN_NAME'>, callerCallSid: string): string {
  return functionUrl(context, AGENT_SCREEN_PATH, { CallerCallSid: callerCallSid, Step: 'accept' });
}

/** Dial mode's <Number url>: the prompt is asked for when the agent answers. */
export function screeningPromptUrl(context: Pick<HoldContext, 'DOMAIN_NAME'>, callerCallSid: string, callerNumber: string): string {
  return functionUrl(context, AGENT_SCREEN_PATH, { CallerCallSid: callerCallSid, CallerNumber: callerNumber });
}

/** The words, one key within SCREENING_TIMEOUT_SECONDS to take the call, else the agent's leg hangs up. */
export function screeningPrompt(words: string, acceptUrl: string): Twiml {
  // finishOnKey '' makes # a key like the others (by default # ends the input with no digit).
  return twiml(
    gather({ numDigits: 1, finishOnKey: '', timeout: SCREENING_TIMEOUT_SECONDS, action: acceptUrl, method: 'POST' }, say(words)),
    hangup(),
  );
}
