// The agent leg's status callback (conference mode): when the agent was never reached, the
// caller, who is waiting alone in the conference with music, hears an apology and the call ends.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { agentWasUnreachable, apologizeToCaller } from './call';
import { emptyTwiml } from '../shared/caller-prompts';
import { twimlResponse } from '../platform/responses';
import { twilioClient } from '../platform/twilio-client';
import { requiredCallSid, requiredText } from '../platform/webhook-params';
import type { FunctionEvent, HoldContext } from '../platform/env';
import { recordCallEvent } from '../state/call-events';

export async function handleAgentStatus(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callerCallSid = requiredCallSid(event, 'CallerCallSid');
  const callStatus = requiredText(event, 'CallStatus');
  if (agentWasUnreachable(callStatus)) {
    const [outcome] = await Promise.all([
      apologizeToCaller(twilioClient(context), callerCallSid),
      recordCallEvent(context, callerCallSid, { kind: 'agent-gone', at: new Date() }),
    ]);
    console.log(`agent ${callStatus} for ${callerCallSid}: ${outcome}`);
  }
  return twimlResponse(emptyTwiml());
}
