// The first hold of a deployment (of this Functions instance) checks the Twilio rules dial mode's
// hold rests on and that no Twilio text states (docs/twilio-voice-semantics.md, "The rules table"):
// once the agent is in its queue, the caller must be in its own. The check uses what the agent
// queue's waitUrl reads anyway (agent-webhooks.ts): no request of its own, nothing on the caller's
// path. When the caller is not there yet, the agent's silence is cut to a few seconds so that
// Twilio asks again, and that second request decides. A broken rule is logged as one searchable
// line per rule: `ALERT twilio-rule <id>`.
import { holdRulesVerdict, type LegState } from './decisions';
import { CALLER_ON_HOLD } from './twiml';
import { pause, say, twiml, type Twiml } from '../platform/twiml';

/** The rules a caller that is not in its queue after a hold breaks (one of them, at least). */
export const HOLD_RULES = ['child-redirect-ends-dial', 'queued-agent-redirect-ends-dial-queue', 'dial-without-action-next-verb'] as const;

/** How soon the agent queue's waitUrl is asked again when the check must look twice. */
export const RULE_CHECK_PAUSE_SECONDS = 3;

let state: 'pending' | 'done' = 'pending';

/** Tests only: a new deployment. */
export function resetHoldRulesCheck(): void {
  state = 'pending';
}

/**
 * Takes part in the check while it is pending; `look-again` means: answer the agent with
 * lookAgainTwiml() so that its waitUrl is requested again in RULE_CHECK_PAUSE_SECONDS.
 */
export function checkHoldRules(
  callerCallSid: string,
  seen: { callerWaiting?: boolean; callerLeg?: LegState; firstOfThisWait: boolean },
): 'look-again' | 'done' {
  if (state === 'done') return 'done';
  const verdict = holdRulesVerdict(seen);
  if (verdict === 'look-again') return 'look-again';
  if (verdict === 'holds') {
    state = 'done';
    console.log(`twilio-rule check of the first hold: passed (caller ${callerCallSid} reached its queue)`);
  } else if (verdict === 'broken') {
    state = 'done';
    for (const rule of HOLD_RULES) {
      console.error(
        `ALERT twilio-rule ${rule}: after a hold of ${callerCallSid} the agent waits in its queue but the live caller is not in its own ` +
          `(docs/twilio-voice-semantics.md, "The rules table", says what to do)`,
      );
    }
  }
  return 'done';
}

/** The agent's answer while the check looks twice: as usual, but a short silence. */
export function lookAgainTwiml(announce: boolean): Twiml {
  return twiml(...(announce ? [say(CALLER_ON_HOLD)] : []), pause({ length: RULE_CHECK_PAUSE_SECONDS }));
}

/** A signed agent webhook without ParentCallSid: Twilio broke a documented rule; the request is refused (400). */
export function alertNoParentCallSid(callSid: string): void {
  console.error(`ALERT twilio-rule agent-webhooks-carry-parent-call-sid: a webhook of agent leg ${callSid} came without ParentCallSid`);
}
