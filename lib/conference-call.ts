// Conference mode: answering an incoming call. The caller joins a conference named after its
// CallSid; the agent is added to the same conference by the Participants API.
import twilio, { type Twilio } from 'twilio';
import { AGENT_UNAVAILABLE, SERVICE_UNAVAILABLE, sayAndHangUp } from './caller-prompts';
import { conferenceNameFor } from './conference-hold';
import { isFailure } from './failure';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from './twilio-request';
import type { PartyAddress } from './party-address';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

export const CALLER_LABEL = 'caller';
export const AGENT_LABEL = 'agent';

export interface IncomingCall {
  callSid: string;
  /** The number the caller dialled: the agent sees it as the caller ID unless CALLER_ID is set. */
  calledNumber: string;
}

export interface ConferenceCallSettings {
  agent: PartyAddress;
  callerId?: string;
  ringTimeoutSeconds: number;
  /** Absolute URL of /hold-music: the caller's wait music while the agent rings. */
  holdMusicUrl: string;
  /** Absolute URL of /agent-status, told the caller's CallSid, for the agent leg's final status. */
  agentStatusUrl: string;
}

/**
 * Adds the agent to the caller's conference, then returns the TwiML that puts the caller in it.
 * If Twilio will not place the agent's call, the caller hears an apology instead of endless music.
 */
export async function connectCallerToAgent(
  client: Twilio,
  call: IncomingCall,
  settings: ConferenceCallSettings,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<VoiceResponse> {
  const conferenceName = conferenceNameFor(call.callSid);
  try {
    await callTwilio(
      'call the agent',
      () =>
        client.conferences(conferenceName).participants.create({
          from: settings.callerId ?? call.calledNumber,
          to: settings.agent.value,
          label: AGENT_LABEL,
          timeout: settings.ringTimeoutSeconds,
          // Either party leaving ends the conference, so nobody is left alone in it.
          endConferenceOnExit: true,
          startConferenceOnEnter: true,
          beep: 'false',
          statusCallback: settings.agentStatusUrl,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['completed'],
        }),
      policy,
    );
  } catch (error) {
    console.error(`could not call the agent for ${call.callSid}:`, error instanceof Error ? error.message : error);
    return sayAndHangUp(SERVICE_UNAVAILABLE);
  }
  return callerJoinsConference(conferenceName, settings.holdMusicUrl);
}

export function callerJoinsConference(conferenceName: string, holdMusicUrl: string): VoiceResponse {
  const twiml = new twilio.twiml.VoiceResponse();
  twiml.dial().conference(
    {
      participantLabel: CALLER_LABEL,
      startConferenceOnEnter: true,
      endConferenceOnExit: true,
      beep: 'false',
      // Until the agent joins, the conference has not started and the caller hears waitUrl.
      waitUrl: holdMusicUrl,
      waitMethod: 'POST',
    },
    conferenceName,
  );
  return twiml;
}

/** The agent leg's final call statuses that mean the agent never joined. */
const UNREACHED = new Set(['busy', 'no-answer', 'failed', 'canceled']);

export function agentWasUnreachable(callStatus: string): boolean {
  return UNREACHED.has(callStatus);
}

/**
 * The agent could not be reached: the caller, waiting alone with music, hears an apology and the
 * call ends. A caller who already hung up is fine (Twilio answers 404 or 21220).
 */
export async function apologizeToCaller(
  client: Twilio,
  callerCallSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<'told' | 'caller-gone'> {
  try {
    await callTwilio(
      'tell the caller that no agent is available',
      () => client.calls(callerCallSid).update({ twiml: sayAndHangUp(AGENT_UNAVAILABLE).toString() }),
      policy,
    );
    return 'told';
  } catch (error) {
    if (isFailure(error) && (error.kind === 'not-found' || error.kind === 'conflict')) return 'caller-gone';
    throw error;
  }
}
