// What ringing the agent for a caller takes and gives, in either mode (lib/hold-mode.ts, ringAgent).
import type { Twiml } from '../platform/twiml';

export interface IncomingCall {
  callSid: string;
  /** The number the caller dialled: the agent sees it as the caller ID unless CALLER_ID is set. */
  calledNumber: string;
}

/**
 * The caller's TwiML once the agent's call was asked for: `agentRung` false when Twilio would not
 * place it, and the TwiML is then the caller's apology.
 */
export interface AgentRinging {
  agentRung: boolean;
  twiml: Twiml;
}
