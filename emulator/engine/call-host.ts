// What the call services (dial.ts, conferences.ts, queues.ts) need of the engine that runs them:
// the model, the clock, the log and the webhook client, and the few call-lifecycle operations they
// drive. engine.ts implements it and hands itself to each service, so no service imports engine.ts:
// each can be read, and driven by a test, without the whole engine.
import type { Call, CallDirection, CallStatus } from '../model/call';
import type { Store } from '../model/store';
import type { CallEvent, HttpMethod, TwimlError } from '../twiml/types';
import type { Keypress } from './parties';
import type { EventLog } from './event-log';
import type { CallRuntime, DocumentSource, OutboundPlan } from './runtime';
import type { SessionDeps } from './session';

export interface NewOutboundCall {
  from: string;
  to: string;
  direction: CallDirection;
  parentCallSid?: string;
  timeoutSec: number;
  statusCallback?: string;
  statusCallbackMethod?: HttpMethod;
  statusCallbackEvents?: CallEvent[];
  /** From <Dial><Client><Parameter>; a `To` may carry more after a `?`. */
  customParameters?: Record<string, string>;
}

/** A verb's action request: where the call goes on once the verb is over. */
export interface VerbAction {
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
}

export interface CallHost extends SessionDeps {
  readonly accountSid: string;
  readonly store: Store;
  readonly log: EventLog;
  /** The parameters Twilio sends with every voice webhook about a call. */
  callParams(call: Call): Record<string, string>;
  /** A request whose answer Twilio ignores (status callbacks, the action of a redirected call). */
  notify(url: string, method: HttpMethod, params: Record<string, string>, purpose: string, callSid?: string): void;
  newCall(spec: NewOutboundCall): Call;
  addRuntime(call: Call): CallRuntime;
  /** Rings an outbound leg; the party's configured behaviour decides what happens. */
  dialOut(rt: CallRuntime, plan: OutboundPlan): void;
  /** dialOut at the account's CPS (API-created legs: POST /Calls, POST /Participants). */
  startPaced(rt: CallRuntime, plan: OutboundPlan): void;
  /** A blocking verb is over: the call goes on with its action URL, else with the next verb. */
  continueAfter(callSid: string, action: VerbAction | undefined, purpose: string): void;
  endCall(callSid: string, status: CallStatus): void;
  /** The call leaves what it is doing and runs the new document (REST redirect, dequeue). */
  redirect(callSid: string, doc: DocumentSource): void;
  /** An outbound leg that was given TwiML while ringing runs it now that it answered. */
  runPending(rt: CallRuntime): void;
  /** The call hears Twilio's application-error prompt, then Twilio hangs up. */
  applicationError(rt: CallRuntime, error: TwimlError): void;
  /** What the party on this leg presses at a <Gather>. */
  keypressOf(call: Call): Keypress | undefined;
}
