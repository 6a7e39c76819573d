// Dial mode's REST reads and moves of call legs. Every request goes through callTwilio.
import type { Twilio } from 'twilio';
import { agentLegAmong, legStateOf, type AgentLegLookup, type LegState } from './decisions';
import { isFailure, logFailure } from '../platform/failure';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';

/** The state of a leg; a call Twilio does not know (404) is gone. Other failures are thrown. */
export async function fetchLegState(
  client: Twilio,
  callSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<Exclude<LegState, 'unknown'>> {
  try {
    const call = await callTwilio('fetch the call leg', () => client.calls(callSid).fetch(), policy);
    return legStateOf(call.status) as Exclude<LegState, 'unknown'>;
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') return 'gone';
    throw error;
  }
}

/**
 * The state of a leg, for webhooks. If Twilio cannot be asked after retries the state is
 * `unknown`: the decisions treat that as "keep everyone on the line".
 */
export async function legState(client: Twilio, callSid: string, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<LegState> {
  try {
    return await fetchLegState(client, callSid, policy);
  } catch (error) {
    logFailure(error, { failed: `state of ${callSid} unknown` });
    return 'unknown';
  }
}

// The caller dials the agent once, so a handful is plenty; the limit keeps it to one page.
const CHILD_LEG_LIMIT = 20;

/** The agent's leg: the caller's child (one list request, filtered by ParentCallSid). */
export async function findAgentLeg(
  client: Twilio,
  callerCallSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<AgentLegLookup> {
  const children = await callTwilio(
    "find the agent's leg",
    () => client.calls.list({ parentCallSid: callerCallSid, limit: CHILD_LEG_LIMIT }),
    policy,
  );
  return agentLegAmong(children.map((call) => ({ sid: call.sid, status: call.status })));
}
