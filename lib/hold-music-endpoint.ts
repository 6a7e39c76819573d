// POST /hold-music: the held party's TwiML. Plain looping music; with reminders, batches of music
// and reminders (lib/shared/hold-music.ts); for a caller's conference hold with a limit, the
// document that also warns the agent and resumes the caller at the limit (lib/conference/hold-limit.ts).
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { badInput } from './platform/failure';
import { twimlResponse } from './platform/responses';
import { heldForSeconds } from './platform/webhook-params';
import type { FunctionEvent, HoldContext } from './platform/env';
import { conferenceHoldLimit, conferenceLimitedHold } from './conference/hold-limit';
import { holdTwiml } from './shared/hold-music';

export async function handleHoldMusic(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const limit = conferenceHoldLimit(context, event);
  const heldFor = heldForSeconds(event.HeldFor);
  if (limit && heldFor !== undefined) {
    // Twilio requests a holdUrl for the held participant's own call: only the caller's hold is limited.
    if (event.CallSid !== event.CallerCallSid) throw badInput('this holdUrl belongs to another call');
    return twimlResponse(await conferenceLimitedHold(context, event, limit, heldFor));
  }
  return twimlResponse(holdTwiml(context, event));
}
