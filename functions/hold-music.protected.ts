// POST /hold-music — TwiML that loops the hold music (POST only: see docs/security.md). Used as the
// conference holdUrl and waitUrl, and as dial mode's queue waitUrl.
import { webhookHandler } from '../lib/platform/webhook-handler';
import { holdMusicTwiml } from '../lib/shared/hold-music';
import { twimlResponse } from '../lib/platform/responses';

export const handler = webhookHandler((context) => twimlResponse(holdMusicTwiml(context)));
