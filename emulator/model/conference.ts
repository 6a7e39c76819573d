// Conferences and their participants (Conference and Participant resources).
import type { HttpMethod } from '../twiml/types';

/** Conference status values (Conference resource docs). */
export type ConferenceStatus = 'init' | 'in-progress' | 'completed';
/** Participant status values (Participant resource docs). */
export type ParticipantStatus = 'queued' | 'connecting' | 'ringing' | 'connected' | 'complete' | 'failed';

export interface ConferenceCallbacks {
  url: string;
  method: HttpMethod;
  events: ReadonlySet<string>;
}

export interface Conference {
  sid: string;
  accountSid: string;
  friendlyName: string;
  status: ConferenceStatus;
  createdAt: number;
  updatedAt: number;
  /** Live participants by call SID, in join order. A participant that left is removed. */
  participants: Map<string, Participant>;
  /** From the FIRST participant that gave a statusCallback ("only the first participant's values count"). */
  callbacks?: ConferenceCallbacks;
  callbackSequence: number;
  /** Whether any participant ever was connected: a conference nobody joined ends when its last invitee fails. */
  everJoined: boolean;
  maxParticipants: number;
  reasonEnded?: string;
  callSidEndingConference?: string;
}

export interface Participant {
  callSid: string;
  /** Created by REST: how long its call waited for its CPS slot (ms), the REST `queue_time`. */
  queueTimeMs?: number;
  conferenceSid: string;
  accountSid: string;
  label?: string;
  status: ParticipantStatus;
  muted: boolean;
  hold: boolean;
  holdUrl?: string;
  holdMethod: HttpMethod;
  coaching: boolean;
  callSidToCoach?: string;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  beep: string;
  /** undefined = Twilio's default wait music; '' = silence. */
  waitUrl?: string;
  waitMethod: HttpMethod;
  createdAt: number;
  updatedAt: number;
}

export function isLiveConference(c: Conference): boolean {
  return c.status !== 'completed';
}
