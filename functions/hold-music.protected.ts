// GET|POST /hold-music — TwiML that loops the hold music. Used as the conference holdUrl and
// waitUrl, and as dial mode's queue waitUrl.
import { functionHandler } from '../lib/platform/function-handler';
import { holdMusicTwiml } from '../lib/shared/hold-music';
import { twimlResponse } from '../lib/platform/responses';

export const handler = functionHandler((context) => twimlResponse(holdMusicTwiml(context)));
