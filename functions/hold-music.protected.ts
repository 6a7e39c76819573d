// GET|POST /hold-music — TwiML that loops the hold music. Used as the conference holdUrl and
// waitUrl, and as dial mode's queue waitUrl.
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { holdMusicTwiml } from '../lib/hold-music';
import { twimlResponse } from '../lib/responses';
import type { FunctionEvent, HoldContext } from '../lib/env';

export function handler(context: HoldContext, _event: FunctionEvent, callback: ServerlessCallback): void {
  callback(null, twimlResponse(holdMusicTwiml(context)));
}
