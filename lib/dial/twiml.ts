// Dial mode's TwiML: what each leg runs, built from the steps decided in decisions.ts.
import { AGENT_UNAVAILABLE, SERVICE_UNAVAILABLE, emptyTwiml, sayAndHangUp } from '../shared/caller-prompts';
import type { AgentStep, CallerStep } from './decisions';
import type { PartyAddress } from '../platform/party-address';
import { client, dial, enqueue, number, pause, queue, redirect, say, sip, twiml, type Twiml } from '../platform/twiml';

// What dial mode's callers and agents are told (the shared wording lives in caller-prompts.ts).
export const AGENT_LEFT = 'We are sorry, the agent has left the call. Goodbye.';
export const CALLER_ON_HOLD = 'Your caller is on hold.';
export const CALLER_LEFT = 'Your caller has hung up. Goodbye.';

/**
 * How long each <Pause> of the agent's keep-alive loop lasts. A <Redirect> back to the loop
 * follows, so the agent's leg never runs out of TwiML (a document that runs out hangs up); 30 s
 * keeps that to two webhook requests a minute.
 */
export const HOLD_LOOP_PAUSE_SECONDS = 30;

/**
 * How long the agent's <Dial><Queue> waits for the caller. On an ordinary resume the caller is
 * already waiting and is bridged at once; on a resume of a live call (a re-bridge) the caller gets
 * there after its own action round trip. If the caller never comes, the Dial action decides.
 */
export const RESUME_WAIT_SECONDS = 20;

export interface CallerDialSettings {
  agent: PartyAddress;
  callerId?: string;
  ringTimeoutSeconds: number;
  /** The caller's Dial action (/dial-ended). */
  actionUrl: string;
  /** The agent leg's status callback (/agent-leg-status?CallerCallSid=...). */
  agentStatusUrl: string;
}

/**
 * The caller's call dials the agent: the caller's call becomes the PARENT and the agent's leg its
 * child. The action URL is requested when the Dial ends for any reason (no answer, the agent hung
 * up, the agent's leg was moved by a hold).
 */
export function callerDialsAgent(settings: CallerDialSettings): Twiml {
  // The final status is how we learn that the agent hung up while the caller was held; answered
  // gives the hold console the agent leg's SID (lib/state/dial-events.ts).
  const callback = {
    statusCallback: settings.agentStatusUrl,
    statusCallbackMethod: 'POST',
    statusCallbackEvent: ['answered', 'completed'],
  } as const;
  const { agent } = settings;
  const agentNoun =
    agent.kind === 'number'
      ? number(agent.value, callback)
      : agent.kind === 'client'
        ? client(agent.identity, callback)
        : sip(agent.value, callback);
  return twiml(
    dial(
      {
        action: settings.actionUrl,
        method: 'POST',
        timeout: settings.ringTimeoutSeconds,
        // Without callerId Twilio shows the agent the caller's own number (TwiML <Dial> callerId).
        ...(settings.callerId ? { callerId: settings.callerId } : {}),
      },
      agentNoun,
    ),
  );
}

export interface HoldQueueSettings {
  queueName: string;
  /** /hold-music: Twilio requests a waitUrl again each time its TwiML runs out. */
  waitUrl: string;
  /** /hold-queue-ended?AgentCallSid=...: requested on every way out of the queue. */
  actionUrl: string;
}

export function callerWaitsOnHold(settings: HoldQueueSettings): Twiml {
  return twiml(
    enqueue(settings.queueName, { action: settings.actionUrl, method: 'POST', waitUrl: settings.waitUrl, waitUrlMethod: 'POST' }),
  );
}

export function callerTwiml(step: CallerStep, hold: HoldQueueSettings): Twiml {
  switch (step) {
    case 'wait-on-hold':
      return callerWaitsOnHold(hold);
    case 'agent-unavailable':
      return sayAndHangUp(AGENT_UNAVAILABLE);
    case 'agent-left':
      return sayAndHangUp(AGENT_LEFT);
    case 'cannot-hold':
      return sayAndHangUp(SERVICE_UNAVAILABLE);
    case 'nothing':
      return emptyTwiml();
  }
}

/**
 * The agent's keep-alive loop: the agent is told once, then hears silence. The loop redirects to
 * itself (flagged as announced) so the leg never runs out of TwiML, which would hang it up.
 */
export function agentHoldLoop(announce: boolean, announcedLoopUrl: string): Twiml {
  const loop = [pause({ length: HOLD_LOOP_PAUSE_SECONDS }), redirect(announcedLoopUrl, { method: 'POST' })];
  return twiml(...(announce ? [say(CALLER_ON_HOLD), ...loop] : loop));
}

export interface ResumeSettings {
  queueName: string;
  /** /agent-dial-ended?CallerCallSid=...: the agent's Dial action. */
  actionUrl: string;
  /** /hold-queue-dequeued: requested with QueueSid as the caller is taken out of the queue. */
  dequeuedUrl: string;
}

/**
 * The agent's leg takes the caller back out of the hold queue. The agent's leg is the dialling side
 * from now on and the caller the dequeued one: the caller is nobody's child, so a later hold can
 * move the agent's leg again without touching the caller.
 */
export function agentTakesCallerBack(settings: ResumeSettings): Twiml {
  return twiml(
    dial(
      { action: settings.actionUrl, method: 'POST', timeout: RESUME_WAIT_SECONDS },
      queue(settings.queueName, { url: settings.dequeuedUrl, method: 'POST' }),
    ),
  );
}

export function agentTwiml(step: AgentStep, announcedLoopUrl: string): Twiml {
  switch (step) {
    case 'hold-loop':
      return agentHoldLoop(true, announcedLoopUrl);
    case 'caller-left':
      return sayAndHangUp(CALLER_LEFT);
    case 'nothing':
      return emptyTwiml();
  }
}
