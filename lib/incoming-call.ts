// The phone number's Voice webhook: connect the caller to the agent in the configured mode, or,
// while the agent is on another call, put the caller in line (lib/line.ts, docs/line.md).
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { SERVICE_UNAVAILABLE, sayAndHangUp } from './shared/caller-prompts';
import { agentAddress, ringTimeoutSeconds, type HoldModeName } from './shared/settings';
import type { IncomingCall } from './shared/ringing';
import { logFailure } from './platform/failure';
import { twimlResponse } from './platform/responses';
import { requiredCallSid, requiredText } from './platform/webhook-params';
import type { FunctionEvent, HoldContext } from './platform/env';
import { recordCallArrived } from './state/call-events';
import { agentRingerOf } from './hold-mode';
import { callerJoinsLine, connectFirstInLine, lineFullTwiml, lineIsFull, readLine } from './line';

export function parseIncomingCall(event: FunctionEvent): IncomingCall {
  return { callSid: requiredCallSid(event, 'CallSid'), calledNumber: requiredText(event, 'To') };
}

/** The call's record for the hold console (lib/state/): written while the call is being connected. */
function recordArrival(
  context: HoldContext,
  event: FunctionEvent,
  call: IncomingCall,
  mode: HoldModeName,
  agent: string,
  linePosition?: number,
): Promise<void> {
  return recordCallArrived(
    context,
    {
      callSid: call.callSid,
      mode,
      // Twilio sends From with every voice webhook; a withheld number arrives as e.g. "anonymous".
      from: typeof event.From === 'string' ? event.From : '',
      agent,
      at: new Date(),
      ...(linePosition === undefined ? {} : { linePosition }),
    },
    ringTimeoutSeconds(context),
  );
}

export async function answerIncomingCall(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  // Twilio always sends these; a request without them did not come from Twilio (a 400).
  const call = parseIncomingCall(event);
  try {
    const mode = agentRingerOf(context);
    const agent = agentAddress(context).value;
    // Unreadable in time: the agent is rung as if free (a busy agent's phone rings, nobody waits in silence).
    const line = await readLine(context);
    if (line && line.agentBusy && lineIsFull(context, line.waiting)) return twimlResponse(lineFullTwiml());
    if (line && (line.agentBusy || line.waiting > 0)) {
      // A free agent with callers in line (a connection missed earlier): the first of them goes now,
      // this caller joins the end of the line.
      const connecting = line.agentBusy ? Promise.resolve(undefined) : connectFirstInLine(context, line).catch(() => undefined);
      await Promise.all([connecting, recordArrival(context, event, call, mode.name, agent, line.waiting + 1)]);
      return twimlResponse(callerJoinsLine(context));
    }
    const from = typeof event.From === 'string' ? event.From : '';
    const [ringing] = await Promise.all([mode.ringAgent(context, call, from), recordArrival(context, event, call, mode.name, agent)]);
    return twimlResponse(ringing.twiml);
  } catch (error) {
    // Never a 500 with an empty body to Twilio: the caller hears an apology, the log says why.
    logFailure(error, { failed: `cannot connect call ${call.callSid}` });
    return twimlResponse(sayAndHangUp(SERVICE_UNAVAILABLE));
  }
}
