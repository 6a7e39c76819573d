// What the agent's leg is told about the call it joins, so that agent software on a Voice SDK
// (AGENT_NUMBER=client:identity) learns the caller's CallSid, which /hold and /unhold need, from
// the incoming call itself (docs/finding-the-call.md). Twilio hands custom parameters to the
// callee's SDK in two documented ways, one per mode:
// - a `To` of the Participants API may carry them after a `?`: `client:alice?CallerCallSid=CA...`
//   (Participant resource, `To`: "Custom parameters may also be specified";
//   https://www.twilio.com/docs/voice/how-share-information-between-your-applications);
// - <Dial><Client> takes <Identity> and <Parameter name value> nouns
//   (https://www.twilio.com/docs/voice/twiml/client).
// The SDK exposes them as call.customParameters (JavaScript: a Map). Phone numbers cannot receive
// any, and SIP agents are left as they are (parameters there become SIP headers).
import type { PartyAddress } from '../platform/party-address';

/** The custom parameter that names the caller's CallSid on the agent's leg. */
export const CALLER_CALL_SID_PARAMETER = 'CallerCallSid';

export interface CustomParameter {
  name: string;
  value: string;
}

export function agentCallParameters(callerCallSid: string): CustomParameter[] {
  return [{ name: CALLER_CALL_SID_PARAMETER, value: callerCallSid }];
}

/** The `To` that rings the agent through the REST API: a client: agent gets the parameters appended. */
export function agentDialAddress(agent: PartyAddress, callerCallSid: string): string {
  if (agent.kind !== 'client') return agent.value;
  const query = new URLSearchParams(agentCallParameters(callerCallSid).map(({ name, value }): [string, string] => [name, value]));
  return `${agent.value}?${query.toString()}`;
}
