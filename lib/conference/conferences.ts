// The conference of a caller's call: its name, its participants' labels, and the one way to look
// it up. A conference is named after the caller's CallSid; names recur over time (a conference that
// ended keeps its name), and one that has not started yet (the agent still rings) is `init`, not
// `in-progress` (https://www.twilio.com/docs/voice/api/conference-resource#conference-status-values).
import type { Twilio } from 'twilio';
import type { ConferenceInstance } from 'twilio/lib/rest/api/v2010/account/conference';
import { callTwilio, type RetryPolicy } from '../platform/twilio-request';

/** Participant labels: the caller joins with <Conference participantLabel>, the agent is added with Label. */
export const CALLER_LABEL = 'caller';
export const AGENT_LABEL = 'agent';

/** The conference a caller's call lives in is named after the caller's CallSid. */
export function conferenceNameFor(callerCallSid: string): string {
  return callerCallSid;
}

/** Where a caller's conference is: started (both parties joined) or waiting for the agent. */
export type ConferenceStage = 'in-progress' | 'init';

/**
 * The conferences named after the caller's call (one REST request), newest first: of one stage
 * (the newest only), or of any status (up to `limit`). `what` names the read in a failure.
 */
export function conferencesOfCall(
  client: Twilio,
  callerCallSid: string,
  what: string,
  policy: RetryPolicy,
  filter: { stage: ConferenceStage } | { limit: number },
): Promise<ConferenceInstance[]> {
  const friendlyName = conferenceNameFor(callerCallSid);
  const query = 'stage' in filter ? { friendlyName, status: filter.stage, limit: 1 } : { friendlyName, limit: filter.limit };
  return callTwilio(what, () => client.conferences.list(query), policy);
}

/** Every conference in that stage, of any name, newest first (one request per page of `pageSize`). */
export function conferencesInStage(
  client: Twilio,
  stage: ConferenceStage,
  what: string,
  policy: RetryPolicy,
  pageSize: number,
): Promise<ConferenceInstance[]> {
  return callTwilio(what, () => client.conferences.list({ status: stage, pageSize }), policy);
}

/** The SID of the caller's conference in that stage, or undefined when there is none (one REST request). */
export async function conferenceInStage(
  client: Twilio,
  callerCallSid: string,
  stage: ConferenceStage,
  what: string,
  policy: RetryPolicy,
): Promise<string | undefined> {
  return (await conferencesOfCall(client, callerCallSid, what, policy, { stage }))[0]?.sid;
}
