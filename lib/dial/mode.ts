// Dial mode as lib/hold-mode.ts's HoldMode, in its parts (each entry point bundles only the part it
// runs): the caller's call dials the agent; hold moves the agent's leg into a queue, resume has the
// caller's leg dial it back (README.md of this folder).
import type { Twilio } from 'twilio';
import type { HoldContext } from '../platform/env';
import { holdApiToken } from '../platform/config';
import { badInput } from '../platform/failure';
import { twilioClient } from '../platform/twilio-client';
import type { RetryPolicy } from '../platform/twilio-request';
import { screeningPromptUrl } from '../shared/agent-screening';
import { emptyTwiml } from '../shared/caller-prompts';
import type { ControlRequest } from '../shared/control-request';
import type { AgentRinging, IncomingCall } from '../shared/ringing';
import { agentAddress, agentScreening, callerIdOverride, ringTimeoutSeconds } from '../shared/settings';
import type { CallEvent } from '../state/call-record';
import type { LiveCall } from '../state/reconcile';
import { holdDialCall, resumeDialCall, type DialHoldResult } from './hold';
import { callerQueueName } from './hold-queue';
import { readLiveDialCalls } from './live-calls';
import { callerDialsAgent } from './twiml';
import { dialModeUrls } from './urls';

/**
 * The caller's call dials the agent and becomes the parent of the agent's leg. With screening
 * (lib/shared/agent-screening.ts) the agent's leg first runs the prompt (`from`: who calls).
 */
async function ringAgent(context: HoldContext, call: IncomingCall, from: string): Promise<AgentRinging> {
  const screening = agentScreening(context, agentAddress(context));
  const urls = dialModeUrls(context);
  const twiml = callerDialsAgent({
    agent: agentAddress(context),
    callerCallSid: call.callSid,
    callerId: callerIdOverride(context),
    ringTimeoutSeconds: ringTimeoutSeconds(context),
    agentStatusUrl: urls.agentLegStatus(call.callSid),
    hold: {
      queueName: callerQueueName(call.callSid),
      waitUrl: urls.holdMusic,
      waitUrlMethod: urls.holdMusicMethod,
      actionUrl: urls.holdQueueEnded,
    },
    screenUrl: screening && screeningPromptUrl(context, call.callSid, from),
  });
  // Dial mode rings the agent by the caller's own <Dial>: nothing to refuse here.
  return { agentRung: true, twiml };
}

/**
 * Dial mode always holds the CALLER (the party on music) by moving the agent's leg. ConferenceSid
 * has no meaning here and is ignored; asking to hold the agent is refused rather than silently
 * holding the caller instead. The SIDs learned (and the agent handle) come back so that the next
 * request costs one update.
 */
function setHold(context: HoldContext, request: ControlRequest, hold: boolean): Promise<DialHoldResult> {
  if (request.participant === 'agent') {
    throw badInput('Participant=agent is a conference-mode option: dial mode only holds the caller');
  }
  const client = twilioClient(context);
  const command = { callSid: request.callSid, agentCallSid: request.agentCallSid, agentHandle: request.agentHandle };
  const settings = { urls: dialModeUrls(context), token: holdApiToken(context) };
  return hold ? holdDialCall(client, command, settings) : resumeDialCall(client, command, settings);
}

const name = 'dial' as const;

export const dialRinging = { name, ringAgent };

export const dialControl = {
  name,
  hold: (context: HoldContext, request: ControlRequest) => setHold(context, request, true),
  resume: (context: HoldContext, request: ControlRequest) => setHold(context, request, false),
};

export const dialScreening = {
  name,
  /**
   * The screened agent pressed a key: an empty document ends the screening TwiML and Twilio bridges
   * the legs. The agent is connected now, not when its phone answered (twiml.ts subscribes no
   * `answered` callback for a screened agent): the record and the call-connected event.
   */
  agentAccepted: (
    _context: HoldContext,
    _callerCallSid: string,
    agentCallSid: string,
  ): { twiml: ReturnType<typeof emptyTwiml>; event: CallEvent } => ({
    twiml: emptyTwiml(),
    event: { kind: 'agent-connected', agentCallSid },
  }),
};

export const dialLiveCalls = {
  name,
  readLiveCalls: readLiveDialCalls,
  /** Dial mode's reads give each caller's number already. */
  withCallersNumbers: (_client: Twilio, live: LiveCall[], _recorded: Set<string>, _policy: RetryPolicy) => Promise.resolve(live),
  /** The agent queue's waitUrl is the limit's timer, and Twilio asks it again after a failure. */
  takeLateLimits: () => Promise.resolve([]),
};
