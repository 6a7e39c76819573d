// Conference mode hold and resume: one participant update, addressed so that Twilio itself
// checks that the participant belongs to the call named in the request.
// twilio-rule: participant-hold-holdurl, holdurl-fetched-each-hold
import type { Twilio } from 'twilio';
import { conflict, isFailure, logFailure, notFound } from '../platform/failure';
import { oneAtATime } from '../platform/one-at-a-time';
import { callTwilio, DEFAULT_RETRY_POLICY, withStateReadBack, type RetryPolicy } from '../platform/twilio-request';
import type { Party } from '../shared/control-request';
import { AGENT_LABEL, conferenceInStage } from './conferences';

export interface ConferenceHoldCommand {
  /** The caller's call SID, which is also the conference's friendly name. */
  callSid: string;
  /** The call's conference, as a previous answer gave it: saves the lookup. */
  conferenceSid?: string;
  /** The agent's leg, as a previous answer gave it (Participant=agent only). */
  agentCallSid?: string;
  participant: Party;
  hold: boolean;
  /** Absolute URL of /hold-music, requested with POST. */
  holdUrl: string;
}

/** What an answer tells the API user; passing the SIDs back saves requests next time. */
export interface ConferenceHoldResult {
  held: boolean;
  /** ISO 8601 (ms): just before the update was sent: Twilio applied it after this (docs/hold-api.md, "Ordering answers"). */
  appliedAfter: string;
  /** ISO 8601 (ms): right after Twilio accepted the update (docs/hold-api.md, "Ordering answers"). */
  appliedAt: string;
  conferenceSid: string;
  /** Known when the agent was the participant moved (its leg SID comes back in Twilio's answer). */
  agentCallSid?: string;
}

/**
 * Holds or resumes one participant. REST requests (docs/security.md, "The one-request path"):
 * - the caller, with ConferenceSid: 1 (the update; addressed by the caller's own CallSid, so a
 *   ConferenceSid of another call is a 404 from Twilio and touches nothing);
 * - the caller, without: 2 (find the live conference by name, then the update);
 * - the agent: 2, with or without the SIDs (one read binds the conference to the call: the given
 *   ConferenceSid must hold this caller, or the conference is found by the caller's name; then the
 *   update, addressed by AgentCallSid if given, which Twilio checks is in that conference).
 * Twilio's update is idempotent: holding a held party (or resuming a live one) is a no-op.
 * One call's requests run one at a time in this process, so the last answer given is the state.
 */
export function setConferenceHold(
  client: Twilio,
  command: ConferenceHoldCommand,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<ConferenceHoldResult> {
  return oneAtATime(command.callSid, async () =>
    updateParticipant(client, command, await conferenceOfCall(client, command, policy), policy),
  );
}

/**
 * The caller's hold or resume with a hold limit (docs/hold-experience.md, "The limit in conference
 * mode"): the caller's holdUrl is the music alone, and the agent's participant carries the limit's
 * timer (`agentTimerUrl`, its holdUrl). A hold moves the caller, then holds the agent; a resume
 * unholds the agent, then the caller, never the caller first (a caller resumed while the agent is
 * held would hear nobody). REST requests: the hold, 2 updates (3 without ConferenceSid); the resume,
 * 1 read that binds the conference to the call (the agent is moved first, so Twilio's check of the
 * caller's path comes too late) and 2 updates. A hold whose agent update fails still answers
 * held: the caller hears the music, and the limit is taken late (GET /calls) and reported.
 */
export function setConferenceHoldWithTimer(
  client: Twilio,
  command: ConferenceHoldCommand & { participant: 'caller'; agentTimerUrl: string },
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<ConferenceHoldResult> {
  return oneAtATime(command.callSid, async () => {
    if (command.hold) {
      const held = await updateParticipant(client, command, await conferenceOfCall(client, command, policy), policy);
      try {
        await holdAgentForTimer(client, held.conferenceSid, command.agentTimerUrl, policy);
      } catch (error) {
        logFailure(error, { failed: `the hold limit of ${command.callSid} has no timer: the agent could not be held` });
      }
      return held;
    }
    const conferenceSid = await conferenceOfCall(client, { ...command, participant: 'agent' }, policy);
    try {
      await resumeAgentFromTimer(client, conferenceSid, policy);
    } catch (error) {
      // An agent already gone leaves nobody to resume first; the caller's update says what is left.
      if (!(isFailure(error) && error.kind === 'not-found')) throw error;
    }
    return updateParticipant(client, command, conferenceSid, policy);
  });
}

/** The agent's participant held with the limit's timer as its holdUrl (1 update). */
export function holdAgentForTimer(client: Twilio, conferenceSid: string, timerUrl: string, policy: RetryPolicy): Promise<unknown> {
  return callTwilio(
    "start the hold limit's timer on the agent",
    () => client.conferences(conferenceSid).participants(AGENT_LABEL).update({ hold: true, holdUrl: timerUrl, holdMethod: 'POST' }),
    policy,
  );
}

/** The agent's participant taken off the timer's hold (1 update; a no-op when it is not held). */
export function resumeAgentFromTimer(client: Twilio, conferenceSid: string, policy: RetryPolicy): Promise<unknown> {
  return callTwilio('resume the agent', () => client.conferences(conferenceSid).participants(AGENT_LABEL).update({ hold: false }), policy);
}

async function updateParticipant(
  client: Twilio,
  command: ConferenceHoldCommand,
  conferenceSid: string,
  policy: RetryPolicy,
): Promise<ConferenceHoldResult> {
  const participantPath = command.participant === 'caller' ? command.callSid : (command.agentCallSid ?? AGENT_LABEL);
  const update = command.hold ? { hold: true, holdUrl: command.holdUrl, holdMethod: 'POST' as const } : { hold: false };
  const participant = () => client.conferences(conferenceSid).participants(participantPath);
  // Taken before the first attempt: a retried update may have been applied by any attempt.
  const appliedAfter = new Date().toISOString();
  try {
    const updated = await callTwilio(
      `${command.hold ? 'hold' : 'resume'} the ${command.participant}`,
      () => participant().update(update),
      policy,
    );
    return {
      held: updated.hold,
      appliedAfter,
      appliedAt: new Date().toISOString(),
      conferenceSid,
      ...(command.participant === 'agent' ? { agentCallSid: updated.callSid } : {}),
    };
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') {
      throw notFound(`no live ${command.participant} on call ${command.callSid}`, error.twilio);
    }
    if (isFailure(error) && error.kind === 'outcome-unknown') {
      throw await withStateReadBack(
        error,
        command.callSid,
        async () => (await callTwilio('read the participant back', () => participant().fetch(), policy)).hold,
      );
    }
    throw error;
  }
}

/**
 * The conference the request acts on, bound to the caller's call. For the caller the update itself
 * checks it (the path names the caller's CallSid); for the agent a given ConferenceSid is checked
 * by fetching the caller in it, so that another call's ConferenceSid never moves another call's agent.
 */
async function conferenceOfCall(client: Twilio, command: ConferenceHoldCommand, policy: RetryPolicy): Promise<string> {
  if (!command.conferenceSid) return findLiveConference(client, command.callSid, policy);
  if (command.participant === 'caller') return command.conferenceSid;
  try {
    await callTwilio(
      "check that the conference is the call's own",
      () => client.conferences(command.conferenceSid!).participants(command.callSid).fetch(),
      policy,
    );
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') {
      throw notFound(`conference ${command.conferenceSid} is not the live conference of call ${command.callSid}`, error.twilio);
    }
    throw error;
  }
  return command.conferenceSid;
}

/** The call's started conference; one still waiting for the agent is a conflict, none a 404. */
async function findLiveConference(client: Twilio, callSid: string, policy: RetryPolicy): Promise<string> {
  const live = await conferenceInStage(client, callSid, 'in-progress', "find the call's conference", policy);
  if (live !== undefined) return live;
  const waiting = await conferenceInStage(client, callSid, 'init', "find the call's conference", policy);
  if (waiting !== undefined) throw conflict(`call ${callSid} is not connected to the agent yet`);
  throw notFound(`no live call ${callSid}`);
}
