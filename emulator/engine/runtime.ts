// What the engine keeps for each LIVE call beside its model entry. Dropped when the call ends,
// so an ended call costs only its (small) model record.
import type { Call, CallStatus } from '../model/call';
import type { HttpMethod } from '../twiml/types';
import type { TimerHandle } from './clock';
import type { Hearing } from './hearing';
import type { TwimlSession } from './session';

/**
 * A verb that holds the call until something else happens: a <Dial> (either side of the bridge),
 * a conference seat, a queue seat. Exactly one of its three ways out is ever taken.
 */
export interface Blocker {
  hearing(): Hearing;
  /** The call's TwiML is being replaced (REST redirect, dequeue): detach, do NOT continue the old document. */
  redirected(): void;
  /** The call has ended. */
  hungUp(): void;
}

/** What an outbound leg does when its party answers or does not. */
export interface OutboundPlan {
  ringing?(): void;
  answered(): void;
  unanswered(status: CallStatus): void;
}

export type DocumentSource = { url: string; method: HttpMethod } | { twiml: string };

export interface CallRuntime {
  call: Call;
  /** The call's own TwiML; absent for legs that run none (a <Dial> child, a REST participant). */
  main?: TwimlSession;
  blocker?: Blocker;
  ringTimer?: TimerHandle;
  answerTimer?: TimerHandle;
  outbound?: OutboundPlan;
  /** Outbound call: the document to run once answered (Calls create Url/Twiml, or a redirect while ringing). */
  pending?: DocumentSource;
}
