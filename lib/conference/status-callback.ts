// POST /conference-status: the conference's status callback (conference mode), subscribed to join,
// leave, hold and end (CONFERENCE_STATUS_EVENTS, urls.ts): what each event means for the call's record. The conference is named after the caller's CallSid, so FriendlyName names
// the record; a participant whose CallSid is not the caller's is the agent. Events and their
// parameters: TwiML <Conference statusCallbackEvent> and the Participants API's
// ConferenceStatusCallbackEvent (https://www.twilio.com/docs/voice/twiml/conference#attributes-statuscallbackevent).
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { badInput } from '../platform/failure';
import { twimlResponse } from '../platform/responses';
import { isSid } from '../platform/sids';
import { requiredText } from '../platform/webhook-params';
import type { FunctionEvent, HoldContext } from '../platform/env';
import { emptyTwiml } from '../shared/caller-prompts';
import { holdLimitSet, holdOverdueAfter } from '../shared/hold-limit';
import type { CallEvent } from '../state/call-record';
import { recordCallEnded, recordCallEvent } from '../state/call-events';

export interface ConferenceStatus {
  event: string;
  callerCallSid: string;
  conferenceSid: string;
  /** The participant the event is about, if any. */
  participantCallSid?: string;
  at: Date;
}

export function parseConferenceStatus(event: FunctionEvent, now: Date): ConferenceStatus {
  const callerCallSid = requiredText(event, 'FriendlyName');
  const conferenceSid = requiredText(event, 'ConferenceSid');
  if (!isSid('call', callerCallSid)) throw badInput("FriendlyName is not a caller's CallSid");
  if (!isSid('conference', conferenceSid)) throw badInput('ConferenceSid is malformed');
  const participant = isSid('call', event.CallSid) ? event.CallSid : undefined;
  // Timestamp: when Twilio saw the event ("Tue, 11 Aug 2020 17:24:43 +0000"); our clock if absent.
  const stamped = typeof event.Timestamp === 'string' ? Date.parse(event.Timestamp) : NaN;
  return {
    event: requiredText(event, 'StatusCallbackEvent'),
    callerCallSid,
    conferenceSid,
    participantCallSid: participant,
    at: Number.isNaN(stamped) ? now : new Date(stamped),
  };
}

/**
 * What a conference event means for the caller's record: an event, the end of the call, or nothing.
 * `holdLimit`: HOLD_MAX_SECONDS is set, so an agent held while its caller is held is the limit's
 * timer (hold-limit.ts), which the record does not count as the agent's own hold.
 */
export function callEventOfConference(status: ConferenceStatus, holdLimit = false): CallEvent | 'call-ended' | undefined {
  const { event, participantCallSid, callerCallSid, conferenceSid, at } = status;
  if (event === 'conference-end') return 'call-ended';
  if (participantCallSid === undefined) return undefined;
  const isCaller = participantCallSid === callerCallSid;
  switch (event) {
    // The caller joining tells nothing a console can use (no hold is possible while the agent
    // rings), so it costs no Sync request; the agent joining brings both SIDs.
    case 'participant-join':
      return isCaller ? undefined : { kind: 'agent-connected', agentCallSid: participantCallSid, conferenceSid };
    case 'participant-leave':
      return isCaller ? 'call-ended' : { kind: 'agent-gone', at };
    // Only the caller's holds are the call's holds; holding the agent (Participant=agent) is an
    // event of its own and is not counted.
    case 'participant-hold':
      return isCaller
        ? { kind: 'hold-started', at, party: 'caller' }
        : { kind: 'hold-started', at, party: 'agent', ...(holdLimit ? { limitTimer: true } : {}) };
    case 'participant-unhold':
      return { kind: 'hold-ended', at, party: isCaller ? 'caller' : 'agent' };
    default:
      return undefined;
  }
}

export async function handleConferenceStatus(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const status = parseConferenceStatus(event, new Date());
  const change = callEventOfConference(status, holdLimitSet(context));
  // The end of a caller's hold reports a limit that ran over unreported (a timer lost to an outage).
  const overdue = holdOverdueAfter(context);
  if (change === 'call-ended') await recordCallEnded(context, status.callerCallSid, status.at, undefined, overdue);
  else if (change !== undefined) {
    const endsCallersHold = change.kind === 'hold-ended' && change.party === 'caller';
    await recordCallEvent(context, status.callerCallSid, change, endsCallersHold ? overdue : undefined);
  }
  return twimlResponse(emptyTwiml());
}
