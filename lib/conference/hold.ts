// Conference mode hold and resume: one participant update, addressed by label.
import type { Twilio } from 'twilio';
import { conflict, isFailure, notFound } from '../platform/failure';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';
import type { Party } from '../shared/control-request';

/** Participant labels: the caller joins with <Conference participantLabel>, the agent is added with Label. */
export const CALLER_LABEL = 'caller';
export const AGENT_LABEL = 'agent';

export interface ConferenceHoldCommand {
  /** The caller's call SID, which is also the conference's friendly name. */
  callSid: string;
  conferenceSid?: string;
  participant: Party;
  hold: boolean;
  /** Absolute URL of /hold-music, requested with POST. */
  holdUrl: string;
}

/** The conference a caller's call lives in is named after the caller's CallSid. */
export function conferenceNameFor(callerCallSid: string): string {
  return callerCallSid;
}

/**
 * Holds or resumes one participant. With a ConferenceSid this is exactly one REST request;
 * Twilio's update is idempotent, so holding a held party (or resuming a live one) is a no-op.
 */
export async function setConferenceHold(
  client: Twilio,
  command: ConferenceHoldCommand,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<{ held: boolean }> {
  const conferenceSid = command.conferenceSid ?? (await findLiveConference(client, command.callSid, policy));
  const update = command.hold
    ? { hold: true, holdUrl: command.holdUrl, holdMethod: 'POST' as const }
    : { hold: false };
  try {
    const participant = await callTwilio(
      `${command.hold ? 'hold' : 'resume'} the ${command.participant}`,
      () => client.conferences(conferenceSid).participants(participantPathOf(command)).update(update),
      policy,
    );
    return { held: participant.hold };
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') {
      throw notFound(`no live ${command.participant} on call ${command.callSid}`, error.twilio);
    }
    throw error;
  }
}

/**
 * How the participant is named in the update's path: Twilio accepts its call SID or its label
 * (docs/twilio-voice-semantics.md, "Conference participants"). The caller is addressed by its own
 * CallSid, which ties the request to the call it names: a ConferenceSid of another call then
 * answers 404 instead of holding somebody else's caller. The agent's leg SID is not known to the
 * API user, so the agent is addressed by its label, and a given ConferenceSid is trusted for it.
 */
function participantPathOf(command: ConferenceHoldCommand): string {
  return command.participant === 'caller' ? command.callSid : AGENT_LABEL;
}

/**
 * Finds the conference by friendly name AND status: names can recur over time, and a conference
 * that has not started yet (the agent is still ringing) is `init`, not `in-progress`.
 */
async function findLiveConference(client: Twilio, callSid: string, policy: RetryPolicy): Promise<string> {
  const friendlyName = conferenceNameFor(callSid);
  const live = await callTwilio(
    'find the call\'s conference',
    () => client.conferences.list({ friendlyName, status: 'in-progress', limit: 1 }),
    policy,
  );
  if (live.length > 0) return live[0].sid;
  const waiting = await callTwilio(
    'find the call\'s conference',
    () => client.conferences.list({ friendlyName, status: 'init', limit: 1 }),
    policy,
  );
  if (waiting.length > 0) throw conflict(`call ${callSid} is not connected to the agent yet`);
  throw notFound(`no live call ${callSid}`);
}
