// Dial mode: the one webhook of the CALLER's call, its <Enqueue> action. The caller's hold and
// resume never wait for it: Twilio requests it when the caller leaves its queue, and only a
// caller whose queue could not be used continues with what it answers (twiml.ts). A redirected
// caller is answered with the resume's own TwiML, harmless whether Twilio runs it or not
// (decisions.ts, callerQueueEnded).
// twilio-rule: enqueue-action-after-redirect-ignored (designed out)
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { sayAndHangUp } from '../shared/caller-prompts';
import { callerQueueEnded } from './decisions';
import { findAgentLeg } from './legs';
import { sendTwimlToLeg } from '../shared/leg-twiml';
import { CALLER_LEFT, callerTakesAgentBack, callerTwiml } from './twiml';
import { dialModeUrls } from './urls';
import { requiredCallSid, requiredText } from '../platform/webhook-params';
import { agentQueueName, callerQueueName, deleteHoldQueues } from './hold-queue';
import { twimlResponse } from '../platform/responses';
import { twilioClient } from '../platform/twilio-client';
import { logFailure } from '../platform/failure';
import type { FunctionEvent, HoldContext } from '../platform/env';
import { recordDialCallerStep } from './record-events';

/**
 * POST /hold-queue-ended: the caller's <Enqueue> in its queue ended. When the caller hung up, the
 * agent (waiting in its own queue, or about to come back to it) is told and released, and the
 * call's queues are deleted. The agent leg acted on is the caller's own child, found by
 * ParentCallSid: no SID from the request is trusted for it (CallSid is the caller's own).
 */
export async function handleHoldQueueEnded(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callerCallSid = requiredCallSid(event, 'CallSid');
  const end = { callerStatus: requiredText(event, 'CallStatus'), queueResult: requiredText(event, 'QueueResult') };
  const outcome = callerQueueEnded(end);
  // The console's record: a resume (redirected) ends the hold with Twilio's QueueTime; a caller gone ends the call.
  await recordDialCallerStep(context, callerCallSid, outcome.caller, end.callerStatus, {
    queueResult: end.queueResult,
    queueTime: event.QueueTime,
  });
  if (outcome.releaseAgent) {
    const client = twilioClient(context);
    const agent = await findAgentLeg(client, callerCallSid).catch((error: unknown) => {
      // The agent then stays in its queue until its waitUrl notices (within the hold pause) or it hangs up.
      logFailure(error, { failed: `cannot find the agent of ${callerCallSid}` });
      return { kind: 'none' } as const;
    });
    // Only an answered agent leg: a <Dial> child that still rings is never given TwiML (Twilio cancels it with its caller).
    if (agent.kind === 'live') {
      const delivery = await sendTwimlToLeg(client, agent.sid, sayAndHangUp(CALLER_LEFT).toString(), 'tell the agent the caller hung up');
      console.log(`caller ${callerCallSid} left its queue (${end.queueResult}); agent ${agent.sid} told: ${delivery}`);
    }
    if (outcome.cleanUp) await deleteHoldQueues(client, callerCallSid);
  }
  const urls = dialModeUrls(context);
  const hold = {
    queueName: callerQueueName(callerCallSid),
    waitUrl: urls.holdMusic,
    waitUrlMethod: urls.holdMusicMethod,
    actionUrl: urls.holdQueueEnded,
  };
  return twimlResponse(
    outcome.answer === 'take-agent-back' ? callerTakesAgentBack(agentQueueName(callerCallSid), hold) : callerTwiml(outcome.answer, hold),
  );
}
