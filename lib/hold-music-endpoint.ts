// POST /hold-music: the held party's TwiML. Plain looping music; with reminders, batches of music
// and reminders ending in a loop that never asks again (lib/shared/hold-music.ts). The hold limit
// never rides on it: its timer is the agent's (lib/conference/hold-limit.ts, dial mode's agent queue).
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { twimlResponse } from './platform/responses';
import type { FunctionEvent, HoldContext } from './platform/env';
import { holdTwiml } from './shared/hold-music';

export function handleHoldMusic(context: HoldContext, event: FunctionEvent): TwilioResponse {
  return twimlResponse(holdTwiml(context, event));
}
