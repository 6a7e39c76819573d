// POST /hold-music — TwiML that loops the hold music (POST only: see docs/security.md). Used as the
// conference holdUrl and waitUrl, and as dial mode's queue waitUrl when hold reminders are on: then a
// held party's time (HeldFor in the holdUrl, or Twilio's QueueTime) decides the reminders' words,
// and a caller's conference hold with HOLD_MAX_SECONDS also warns the agent and resumes at the limit.
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleHoldMusic } from '../lib/hold-music-endpoint';

export const handler = webhookHandler(handleHoldMusic);
