// POST /hold-warning?HeldFor=..: the announcement the agent hears before the hold limit (hold-limit.ts
// asks Twilio to play it; docs/hold-experience.md). Its own module, so that /hold-warning bundles
// the words and nothing of the limit's REST and Sync steps.
import { say, twiml, type Twiml } from '../platform/twiml';
import type { FunctionEvent } from '../platform/env';
import { heldForSeconds } from '../platform/webhook-params';
import { holdWarningWords } from '../shared/hold-limit';

export function holdWarningTwiml(event: FunctionEvent): Twiml {
  const held = heldForSeconds(event.HeldFor) ?? 0;
  return twiml(say(holdWarningWords(held)));
}
