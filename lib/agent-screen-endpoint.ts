// POST /agent-screen?CallerCallSid=...: the screening of the agent's answer (lib/shared/agent-screening.ts).
// Without Step (dial mode's <Number url>/<Sip url>, requested when the agent's phone answers): the
// prompt. With Step=accept (the prompt's <Gather action>, requested only when a key was pressed):
// the agent takes the call. Dial mode: an empty document, which ends the screening TwiML and lets
// Twilio bridge the legs; conference mode: the agent's leg joins the caller's conference.
// A failed answer here fails the agent's leg only (Twilio plays it an application error and it
// ends): the caller's <Dial> then ends as not answered, or its conference still waits, and the
// agent leg's status callback tells the caller, as when the agent does not answer.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { agentScreening, agentAddress } from './shared/settings';
import { badInput } from './platform/failure';
import { twimlResponse } from './platform/responses';
import { hangup, twiml } from './platform/twiml';
import { requiredCallSid } from './platform/webhook-params';
import type { FunctionEvent, HoldContext } from './platform/env';
import { screeningAcceptUrl, screeningPrompt, screeningWords } from './shared/agent-screening';
import { recordCallEvent } from './state/call-events';
import { screenedAgentOf } from './hold-mode';

export type ScreenStep = { kind: 'prompt'; callerNumber: string } | { kind: 'accept'; digits: string };

/** A key of a phone's keypad: what <Gather numDigits="1" finishOnKey=""> sends as Digits. */
const KEY = /^[0-9*#]$/;
/** E.164, or what Twilio sends for a withheld number ("anonymous", "Restricted", ...). */
const CALLER_NUMBER = /^[+A-Za-z0-9]{1,32}$/;

export function parseScreenStep(event: FunctionEvent): ScreenStep {
  const step = event.Step;
  if (step === undefined || step === '') {
    const callerNumber = typeof event.CallerNumber === 'string' && CALLER_NUMBER.test(event.CallerNumber) ? event.CallerNumber : '';
    return { kind: 'prompt', callerNumber };
  }
  if (step !== 'accept') throw badInput('Step must be accept or absent');
  const digits = typeof event.Digits === 'string' ? event.Digits : '';
  return { kind: 'accept', digits };
}

export async function handleAgentScreen(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callerCallSid = requiredCallSid(event, 'CallerCallSid');
  const agentCallSid = requiredCallSid(event, 'CallSid');
  // A <Number url> request is about the caller's <Dial> child; when Twilio names the parent, it
  // must be the caller the URL claims (the signature already binds the two).
  if (event.ParentCallSid !== undefined && event.ParentCallSid !== callerCallSid) {
    throw badInput(`call ${agentCallSid} is not the agent leg of call ${callerCallSid}`);
  }
  const step = parseScreenStep(event);
  if (step.kind === 'prompt') {
    const screening = agentScreening(context, agentAddress(context)) ?? {};
    return twimlResponse(screeningPrompt(screeningWords(screening, step.callerNumber), screeningAcceptUrl(context, callerCallSid)));
  }
  // No key (only a Gather told to act on an empty result sends one): the agent's leg ends unanswered.
  if (!KEY.test(step.digits)) return twimlResponse(twiml(hangup()));
  const accepted = screenedAgentOf(context).agentAccepted(context, callerCallSid, agentCallSid);
  if (accepted.event) await recordCallEvent(context, callerCallSid, accepted.event);
  return twimlResponse(accepted.twiml);
}
