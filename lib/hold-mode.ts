// The one shape both modes implement (lib/conference/mode.ts, lib/dial/mode.ts), chosen once per
// request from HOLD_MODE: the entry points call a mode's methods and never ask which mode it is.
import type { Twilio } from 'twilio';
import type { HoldContext } from './platform/env';
import type { RetryPolicy } from './platform/twilio-request';
import type { Twiml } from './platform/twiml';
import type { ControlRequest } from './shared/control-request';
import type { AgentRinging, IncomingCall } from './shared/ringing';
import { holdModeName, type HoldModeName } from './shared/settings';
import type { CallEvent } from './state/call-record';
import type { LiveCall } from './state/reconcile';
import { conferenceMode } from './conference/mode';
import type { ConferenceHoldResult } from './conference/hold';
import { dialMode } from './dial/mode';
import type { DialHoldResult } from './dial/hold';

/** The fields of a /hold or /unhold answer besides callSid and mode (docs/hold-api.md). */
export type HoldResult = ConferenceHoldResult | DialHoldResult;

export interface HoldMode {
  /** The answers' `mode` and the records' `mode`. */
  readonly name: HoldModeName;
  /** Rings the agent for a caller who called (/incoming-call) or is first in line (lib/line.ts): the caller's TwiML. */
  ringAgent(context: HoldContext, call: IncomingCall, from: string): Promise<AgentRinging>;
  /** POST /hold: the parsed request, carried out; a failure is thrown with its kind (lib/platform/failure.ts). */
  hold(context: HoldContext, request: ControlRequest): Promise<HoldResult>;
  /** POST /unhold. */
  resume(context: HoldContext, request: ControlRequest): Promise<HoldResult>;
  /** A screened agent pressed a key (/agent-screen): its leg's TwiML, and what that means for the call's record. */
  agentAccepted(context: HoldContext, callerCallSid: string, agentCallSid: string): { twiml: Twiml; event?: CallEvent };
  /** Twilio's own state of the live calls, for GET /calls (lib/state/reconcile.ts). */
  readLiveCalls(client: Twilio, policy: RetryPolicy): Promise<LiveCall[]>;
  /** The live calls with the callers' numbers that readLiveCalls could not give, for the calls without a record. */
  withCallersNumbers(client: Twilio, live: LiveCall[], recorded: Set<string>, policy: RetryPolicy): Promise<LiveCall[]>;
}

const MODES: { readonly [name in HoldModeName]: HoldMode } = { conference: conferenceMode, dial: dialMode };

/** The configured mode (HOLD_MODE); a value that is no mode is a "misconfigured" failure. */
export function holdModeOf(context: HoldContext): HoldMode {
  return MODES[holdModeName(context)];
}
