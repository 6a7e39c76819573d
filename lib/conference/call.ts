// Conference mode: answering an incoming call. The caller joins a conference named after its
// CallSid; the agent is added to the same conference by the Participants API.
// twilio-rule: api-calls-paced, end-conference-on-exit
import type { Twilio } from 'twilio';
import { AGENT_UNAVAILABLE, SERVICE_UNAVAILABLE, sayAndHangUp } from '../shared/caller-prompts';
import { AGENT_LABEL, CALLER_LABEL, conferenceInStage, conferenceNameFor } from './conferences';
import { isFailure, logFailure } from '../platform/failure';
import { sendTwimlToLeg, type Delivery } from '../shared/leg-twiml';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';
import type { PartyAddress } from '../platform/party-address';
import { agentDialAddress } from '../shared/agent-call-context';
import type { AgentRinging, IncomingCall } from '../shared/ringing';
import { conference, dial, twiml, type Twiml } from '../platform/twiml';
import { CONFERENCE_STATUS_EVENTS } from './urls';

export interface ConferenceCallSettings {
  agent: PartyAddress;
  callerId?: string;
  ringTimeoutSeconds: number;
  /** Absolute URL of /hold-music: the caller's wait music while the agent rings. */
  holdMusicUrl: string;
  /** Absolute URL of /agent-status, told the caller's CallSid, for the agent leg's final status. */
  agentStatusUrl: string;
  /** Absolute URL of /agent-alone: the agent's waitUrl, heard only if the caller is not there. */
  agentAloneUrl: string;
  /** Absolute URL of /conference-status: the call-state bookkeeping (lib/state/). */
  conferenceStatusUrl: string;
  /**
   * With screening (lib/shared/agent-screening.ts): the TwiML the agent's call runs when answered.
   * The agent is then called with the Calls API, not added as a participant, and joins the
   * conference itself (agentJoinsConference) only once it pressed a key.
   */
  screenTwiml?: string;
}

const apology = (): AgentRinging => ({ agentRung: false, twiml: sayAndHangUp(SERVICE_UNAVAILABLE) });
const joins = (settings: ConferenceCallSettings, conferenceName: string): AgentRinging => ({
  agentRung: true,
  twiml: callerJoinsConference(conferenceName, settings.holdMusicUrl, settings.conferenceStatusUrl),
});

/**
 * Adds the agent to the caller's conference, then returns the TwiML that puts the caller in it.
 * If Twilio will not place the agent's call, the caller hears an apology instead of endless music.
 */
export async function connectCallerToAgent(
  client: Twilio,
  call: IncomingCall,
  settings: ConferenceCallSettings,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<AgentRinging> {
  const conferenceName = conferenceNameFor(call.callSid);
  if (settings.screenTwiml !== undefined) return callAgentToScreen(client, call, settings, settings.screenTwiml, policy);
  try {
    await callTwilio(
      'call the agent',
      () =>
        client.conferences(conferenceName).participants.create({
          from: settings.callerId ?? call.calledNumber,
          // A client: agent's SDK receives the caller's CallSid as a custom parameter.
          to: agentDialAddress(settings.agent, call.callSid),
          label: AGENT_LABEL,
          timeout: settings.ringTimeoutSeconds,
          // Either party leaving ends the conference, so nobody is left alone in it.
          endConferenceOnExit: true,
          startConferenceOnEnter: true,
          beep: 'false',
          // The caller joins first, so the agent hears waitUrl only when no caller ever comes
          // (e.g. the caller hung up while the agent rang): /agent-alone then releases the agent.
          waitUrl: settings.agentAloneUrl,
          waitMethod: 'POST',
          statusCallback: settings.agentStatusUrl,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['completed'],
          // Only the first participant's conference callback counts: the agent is added first here,
          // the caller joins first on Twilio's timeline, so both name the same URL.
          conferenceStatusCallback: settings.conferenceStatusUrl,
          conferenceStatusCallbackMethod: 'POST',
          conferenceStatusCallbackEvent: [...CONFERENCE_STATUS_EVENTS],
        }),
      policy,
    );
  } catch (error) {
    if (await agentMayBeComing(client, call.callSid, error, policy)) {
      console.error(`adding the agent for ${call.callSid} had no clear answer, but the agent is on the way`);
      return joins(settings, conferenceName);
    }
    logFailure(error, { failed: `could not call the agent for ${call.callSid}` });
    return apology();
  }
  return joins(settings, conferenceName);
}

/**
 * The screened agent: one Calls API request, whose inline Twiml is the screening prompt (so the
 * prompt needs no request to our functions). The Participants API has no TwiML to run before a
 * participant joins (https://www.twilio.com/docs/voice/api/conference-participant-resource), and a
 * conference waitUrl may not <Gather> (docs/twilio-voice-semantics.md), hence a call of its own.
 * A request with no known outcome is not looked into (before anyone joins there is no conference to
 * find, and a call to the agent's number may be another caller's): the caller hears the apology,
 * and an agent leg Twilio did place is released by /agent-alone once it accepts into the empty
 * conference.
 */
async function callAgentToScreen(
  client: Twilio,
  call: IncomingCall,
  settings: ConferenceCallSettings,
  screenTwiml: string,
  policy: RetryPolicy,
): Promise<AgentRinging> {
  try {
    await callTwilio(
      'call the agent',
      () =>
        client.calls.create({
          from: settings.callerId ?? call.calledNumber,
          to: settings.agent.value,
          twiml: screenTwiml,
          timeout: settings.ringTimeoutSeconds,
          statusCallback: settings.agentStatusUrl,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['completed'],
        }),
      policy,
    );
  } catch (error) {
    logFailure(error, { failed: `could not call the agent for ${call.callSid}` });
    return apology();
  }
  return joins(settings, conferenceNameFor(call.callSid));
}

/**
 * The screened agent pressed a key: its call joins the caller's conference as the participant
 * labelled "agent", with what the Participants API gives an unscreened agent (connectCallerToAgent).
 * When the conference ends (either party left) the <Dial> is over and the document runs out: the
 * agent's leg hangs up.
 */
export function agentJoinsConference(callerCallSid: string, agentAloneUrl: string, conferenceStatusUrl: string): Twiml {
  return twiml(
    dial(
      {},
      conference(conferenceNameFor(callerCallSid), {
        participantLabel: AGENT_LABEL,
        startConferenceOnEnter: true,
        endConferenceOnExit: true,
        beep: 'false',
        waitUrl: agentAloneUrl,
        waitMethod: 'POST',
        statusCallback: conferenceStatusUrl,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: [...CONFERENCE_STATUS_EVENTS],
      }),
    ),
  );
}

/**
 * Whether Twilio placed the agent's call although the request to add it failed. Apologising and
 * hanging up then would leave the agent alone in a conference nobody joins. A definite refusal
 * (a 4xx, or 429 after the retries: "not processed") placed nothing; a 16025 "label already in
 * use" means an earlier attempt did add the agent; a timeout, a reset or a 5xx has no known
 * outcome, so the conference the request would have created is looked for (it exists only if the
 * agent was added: the caller has not joined yet).
 */
async function agentMayBeComing(client: Twilio, callerCallSid: string, error: unknown, policy: RetryPolicy): Promise<boolean> {
  if (!isFailure(error)) return false;
  if (error.twilio?.code === DUPLICATE_PARTICIPANT_LABEL) return true;
  const status = error.twilio?.status;
  const unknownOutcome = error.kind === 'outcome-unknown' || (error.kind === 'upstream' && (status === undefined || status >= 500));
  if (!unknownOutcome) return false;
  try {
    return (await conferenceInStage(client, callerCallSid, 'init', 'check whether the agent was called', policy)) !== undefined;
  } catch {
    return false;
  }
}

// "Participant label already in use" (docs/twilio-voice-semantics.md, <Conference participantLabel>).
const DUPLICATE_PARTICIPANT_LABEL = 16025;

export function callerJoinsConference(conferenceName: string, holdMusicUrl: string, conferenceStatusUrl: string): Twiml {
  return twiml(
    dial(
      {},
      conference(conferenceName, {
        participantLabel: CALLER_LABEL,
        startConferenceOnEnter: true,
        endConferenceOnExit: true,
        beep: 'false',
        // Until the agent joins, the conference has not started and the caller hears waitUrl.
        waitUrl: holdMusicUrl,
        waitMethod: 'POST',
        statusCallback: conferenceStatusUrl,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: [...CONFERENCE_STATUS_EVENTS],
      }),
    ),
  );
}

/** The agent leg's final call statuses that mean the agent never joined. */
const UNREACHED = new Set(['busy', 'no-answer', 'failed', 'canceled']);

export function agentWasUnreachable(callStatus: string): boolean {
  return UNREACHED.has(callStatus);
}

/**
 * A screened agent's leg may also end `completed` without ever joining: answered by a voicemail
 * that pressed no key, or the key's request failed. The caller, if it still waits alone, is told.
 */
export function screenedAgentMayNotHaveJoined(callStatus: string): boolean {
  return callStatus === 'completed';
}

/**
 * The agent could not be reached: the caller, waiting alone with music, hears an apology and the
 * call ends. A caller who already hung up needs nothing more.
 */
export function apologizeToCaller(client: Twilio, callerCallSid: string, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<Delivery> {
  const apology = sayAndHangUp(AGENT_UNAVAILABLE).toString();
  return sendTwimlToLeg(client, callerCallSid, apology, 'tell the caller that no agent is available', policy);
}
