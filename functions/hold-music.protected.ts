// POST /hold-music — TwiML that loops the hold music (POST only: see docs/security.md). Used as the
// conference holdUrl and waitUrl, and as dial mode's queue waitUrl when hold reminders are on: then a
// held party's time (HeldFor in the holdUrl, or Twilio's QueueTime) decides the reminders' words.
import { webhookHandler } from '../lib/platform/webhook-handler';
import { holdTwiml } from '../lib/shared/hold-music';
import { twimlResponse } from '../lib/platform/responses';

export const handler = webhookHandler((context, event) => twimlResponse(holdTwiml(context, event)));
