// The one shape both modes implement (lib/conference/mode.ts, lib/dial/mode.ts), chosen per request
// from HOLD_MODE: an entry point calls the mode's methods and never asks which mode it is. The shape
// comes in parts, each chosen on its own, because a built function carries the code of what it
// imports: /hold takes holdControlOf and bundles neither mode's ringing nor its live-call reads
// (BENCHMARKS.md, "Bundle size of each function").
import type { Twilio } from 'twilio';
import type { HoldContext } from './platform/env';
import type { RetryPolicy } from './platform/twilio-request';
import type { Twiml } from './platform/twiml';
import type { ControlRequest } from './shared/control-request';
import type { AgentRinging, IncomingCall } from './shared/ringing';
import { holdModeName, type HoldModeName } from './shared/settings';
import type { CallEvent, ListedCall } from './state/call-record';
import type { LiveCall } from './state/reconcile';
import { conferenceControl, conferenceLiveCalls, conferenceRinging, conferenceScreening } from './conference/mode';
import type { ConferenceHoldResult } from './conference/hold';
import { dialControl, dialLiveCalls, dialRinging, dialScreening } from './dial/mode';
import type { DialHoldResult } from './dial/hold';

/** The fields of a /hold or /unhold answer besides callSid and mode (docs/hold-api.md). */
export type HoldResult = ConferenceHoldResult | DialHoldResult;

interface Named {
  /** The answers' `mode` and the records' `mode`. */
  readonly name: HoldModeName;
}

export interface AgentRinger extends Named {
  /** Rings the agent for a caller who called (/incoming-call) or is first in line (lib/line.ts): the caller's TwiML. */
  ringAgent(context: HoldContext, call: IncomingCall, from: string): Promise<AgentRinging>;
}

export interface HoldControl extends Named {
  /** POST /hold: the parsed request, carried out; a failure is thrown with its kind (lib/platform/failure.ts). */
  hold(context: HoldContext, request: ControlRequest): Promise<HoldResult>;
  /** POST /unhold. */
  resume(context: HoldContext, request: ControlRequest): Promise<HoldResult>;
}

export interface ScreenedAgent extends Named {
  /** A screened agent pressed a key (/agent-screen): its leg's TwiML, and what that means for the call's record. */
  agentAccepted(context: HoldContext, callerCallSid: string, agentCallSid: string): { twiml: Twiml; event?: CallEvent };
}

export interface LiveCallReader extends Named {
  /** Twilio's own state of the live calls, for GET /calls (lib/state/reconcile.ts). */
  readLiveCalls(client: Twilio, policy: RetryPolicy): Promise<LiveCall[]>;
  /** The live calls with the callers' numbers that readLiveCalls could not give, for the calls without a record. */
  withCallersNumbers(client: Twilio, live: LiveCall[], recorded: Set<string>, policy: RetryPolicy): Promise<LiveCall[]>;
  /**
   * The next chance for a hold limit whose timer an outage took (docs/hold-experience.md): the
   * callers it resumed. Dial mode has none to take (Twilio asks its agent queue's waitUrl again).
   */
  takeLateLimits(context: HoldContext, listed: ListedCall[]): Promise<string[]>;
}

/** What a mode is: every part. Each mode implements all of it (checked below). */
export type HoldMode = AgentRinger & HoldControl & ScreenedAgent & LiveCallReader;

type Implements<Mode extends HoldMode> = Mode;
export type ConferenceMode = Implements<
  typeof conferenceRinging & typeof conferenceControl & typeof conferenceScreening & typeof conferenceLiveCalls
>;
export type DialMode = Implements<typeof dialRinging & typeof dialControl & typeof dialScreening & typeof dialLiveCalls>;

type Parts<Part extends Named> = { readonly [name in HoldModeName]: Part };

// Plain tables and functions, no factory: what a function does not import is left out of its bundle.
const RINGERS: Parts<AgentRinger> = { conference: conferenceRinging, dial: dialRinging };
const CONTROLS: Parts<HoldControl> = { conference: conferenceControl, dial: dialControl };
const SCREENED: Parts<ScreenedAgent> = { conference: conferenceScreening, dial: dialScreening };
const READERS: Parts<LiveCallReader> = { conference: conferenceLiveCalls, dial: dialLiveCalls };

// Each throws "misconfigured" when HOLD_MODE is no mode (holdModeName).
export function agentRingerOf(context: HoldContext): AgentRinger {
  return RINGERS[holdModeName(context)];
}

export function holdControlOf(context: HoldContext): HoldControl {
  return CONTROLS[holdModeName(context)];
}

export function screenedAgentOf(context: HoldContext): ScreenedAgent {
  return SCREENED[holdModeName(context)];
}

export function liveCallReaderOf(context: HoldContext): LiveCallReader {
  return READERS[holdModeName(context)];
}
