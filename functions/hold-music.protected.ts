// POST /hold-music — TwiML that loops the hold music (POST only: see docs/security.md). Used as the
// conference holdUrl and waitUrl, and as dial mode's queue waitUrl when hold reminders are on: then a
// held party's time (HeldFor in the holdUrl, or Twilio's QueueTime) decides the reminders' words;
// the music never asks our functions again (the hold limit is timed elsewhere: docs/hold-experience.md).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleHoldMusic } from '../lib/hold-music-endpoint';

export const handler = webhookHandler(handleHoldMusic);
