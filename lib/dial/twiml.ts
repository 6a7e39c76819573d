// Dial mode's TwiML: what each leg runs. The design rule (docs/reliability.md): every hold and
// every resume is ONE update of ONE leg with inline TwiML, and what that leg and the other one do
// next is already written in the TwiML Twilio holds, as "the next verb", never as an action URL
// that our functions must answer. Action URLs and waitUrls of ours are requested only where a
// failed answer cannot drop anyone: a leg that has hung up, or one that was redirected (Twilio
// ignores those answers), or a party whose other party has already gone.
// twilio-rule: dial-without-action-next-verb, dial-queue-bridges-front, dial-queue-empty-waits, enqueue-waiturl-loops, inline-twiml-limit
// twilio-rule: dialled-leg-status-callback-after-redirect (the agent noun's statusCallback)
import { AGENT_UNAVAILABLE, SERVICE_UNAVAILABLE, emptyTwiml, sayAndHangUp } from '../shared/caller-prompts';
import type { CallerStep, AgentHoldStep } from './decisions';
import type { PartyAddress } from '../platform/party-address';
import type { LimitStep } from '../shared/hold-limit';
import { agentCallParameters } from '../shared/agent-call-context';
import {
  client,
  dial,
  enqueue,
  number,
  pause,
  queue,
  redirect,
  say,
  sip,
  twiml,
  type LegCallbackAttributes,
  type Twiml,
  type TwimlElement,
} from '../platform/twiml';

// What dial mode's callers and agents are told (the shared wording lives in caller-prompts.ts).
export const AGENT_LEFT = 'We are sorry, the agent has left the call. Goodbye.';
import { CALLER_ON_HOLD } from '../shared/hold-limit';
export { CALLER_ON_HOLD };
export const CALLER_LEFT = 'Your caller has hung up. Goodbye.';

/**
 * How long the agent's silence on hold lasts before Twilio asks the agent queue's waitUrl again.
 * <Pause length> is documented as any "integer > 0" (https://www.twilio.com/docs/voice/twiml/pause):
 * an hour means a held agent needs our functions once an hour, not every 30 s.
 */
export const AGENT_HOLD_PAUSE_SECONDS = 3600;

/**
 * How long a resume's <Dial><Queue> of the agent queue waits for the agent (Twilio's largest Dial
 * timeout, 600 s). A resume only dials once the agent is known to wait there (hold.ts), so this
 * matters only while the agent steps back into the queue after a re-bridge.
 */
export const RESUME_WAIT_SECONDS = 600;

/**
 * The agent's hold TwiML is sent inline with the REST update, whose Twiml Twilio limits to 4,000
 * characters (error 32018, https://www.twilio.com/docs/api/errors/32018); this leaves a margin.
 */
export const INLINE_TWIML_BUDGET = 3_600;

/** At most this many <Enqueue>s of the agent queue, however short the URLs. */
export const MAX_AGENT_QUEUE_REJOINS = 30;

/**
 * How many times the agent can come back into its queue without a new hold (each re-bridge, that
 * is a resume with the handle of a call that was not held, uses one) before its TwiML runs out and
 * /agent-rejoin-hold is asked for more: as many <Enqueue>s as fit in the inline TwiML budget (16 on a
 * *.twil.io domain, 17 on localhost:3000), at least 4.
 */
export function agentQueueRejoins(settings: AgentQueueSettings): number {
  const one = `<Enqueue waitUrl="${settings.waitUrl}" waitUrlMethod="POST">${settings.queueName}</Enqueue>`.length + 16;
  const fixed =
    `<?xml version="1.0" encoding="UTF-8"?><Response><Redirect method="POST">${settings.rejoinUrl}</Redirect></Response>`.length + 16;
  return Math.max(4, Math.min(MAX_AGENT_QUEUE_REJOINS, Math.floor((INLINE_TWIML_BUDGET - fixed) / one)));
}

export interface CallerQueueSettings {
  /** callerQueueName(caller) */
  queueName: string;
  /** The hold music audio, or /hold-music with reminders (urls.holdMusic). */
  waitUrl: string;
  /** urls.holdMusicMethod */
  waitUrlMethod: 'GET' | 'POST';
  /** /hold-queue-ended */
  actionUrl: string;
}

function enqueueCaller(hold: CallerQueueSettings): TwimlElement {
  return enqueue(hold.queueName, { action: hold.actionUrl, method: 'POST', waitUrl: hold.waitUrl, waitUrlMethod: hold.waitUrlMethod });
}

export interface CallerDialSettings {
  agent: PartyAddress;
  /** Handed to a client: agent's SDK as the custom parameter CallerCallSid. */
  callerCallSid: string;
  callerId?: string;
  ringTimeoutSeconds: number;
  /** The agent leg's status callback (/agent-leg-status?CallerCallSid=...). */
  agentStatusUrl: string;
  /** Where the caller waits once its <Dial> is over. */
  hold: CallerQueueSettings;
  /** Screening (lib/shared/agent-screening.ts): the <Number url>/<Sip url> the answered agent runs first. */
  screenUrl?: string;
}

/**
 * The caller's call dials the agent (the caller's call becomes the PARENT and the agent's leg its
 * child), and when that <Dial> ends for any reason, goes on with the NEXT verb: the caller queue.
 * There is no Dial action on purpose: the first hold moves the agent's leg out of the bridge, and
 * the caller must reach its hold music without a request to our functions ("If you do not provide
 * an action URL ... Twilio will continue to render the original TwiML document",
 * https://www.twilio.com/docs/voice/twiml/dial). When the <Dial> ended
 * because the agent never answered or hung up, the agent leg's status callback tells the caller
 * (agent-webhooks.ts); meanwhile the caller hears the music.
 */
export function callerDialsAgent(settings: CallerDialSettings): Twiml {
  // The final status is how we learn that the agent is gone (hung up, or never answered); answered
  // gives the hold console the agent leg's SID (lib/state/dial-events.ts).
  // A screened agent is connected when it presses the key (/agent-screen records it), not when
  // its phone (or a voicemail) answers.
  const callback: LegCallbackAttributes = {
    statusCallback: settings.agentStatusUrl,
    statusCallbackMethod: 'POST',
    statusCallbackEvent: settings.screenUrl ? ['completed'] : ['answered', 'completed'],
  };
  const screen = settings.screenUrl ? { url: settings.screenUrl, method: 'POST' as const } : {};
  const { agent } = settings;
  const agentNoun =
    agent.kind === 'number'
      ? number(agent.value, { ...screen, ...callback })
      : agent.kind === 'client'
        ? client(agent.identity, callback, agentCallParameters(settings.callerCallSid))
        : sip(agent.value, { ...screen, ...callback });
  return twiml(
    dial(
      {
        timeout: settings.ringTimeoutSeconds,
        // Without callerId Twilio shows the agent the caller's own number (TwiML <Dial> callerId).
        ...(settings.callerId ? { callerId: settings.callerId } : {}),
      },
      agentNoun,
    ),
    enqueueCaller(settings.hold),
  );
}

/** The caller waits in its queue with the hold music (the caller's <Enqueue> action's answer). */
export function callerWaitsOnHold(hold: CallerQueueSettings): Twiml {
  return twiml(enqueueCaller(hold));
}

/**
 * A resume: the caller's leg (waiting in its queue, nobody's parent) dials the agent queue and is
 * bridged with the agent waiting there. The next hold moves the agent out of that queue: the
 * caller's <Dial> ends and the caller goes on with the next verb, its queue, again.
 */
export function callerTakesAgentBack(agentQueue: string, hold: CallerQueueSettings): Twiml {
  return twiml(dial({ timeout: RESUME_WAIT_SECONDS }, queue(agentQueue)), enqueueCaller(hold));
}

export interface AgentQueueSettings {
  /** agentQueueName(caller) */
  queueName: string;
  /** /agent-hold-loop?CallerCallSid=... */
  waitUrl: string;
  /** /agent-rejoin-hold?CallerCallSid=... */
  rejoinUrl: string;
}

/**
 * A hold: the agent's leg waits in the agent queue, hearing its waitUrl (silence), until a resume
 * dials that queue. Whenever a bridge ends without a new hold, the agent goes on with the next
 * verb: the same queue. No action URL: nothing here needs our functions to keep the agent.
 */
export function agentWaitsOnHold(settings: AgentQueueSettings): Twiml {
  const rejoins = Array.from({ length: Math.max(0, agentQueueRejoins(settings)) }, () =>
    enqueue(settings.queueName, { waitUrl: settings.waitUrl, waitUrlMethod: 'POST' }),
  );
  return twiml(...rejoins, redirect(settings.rejoinUrl, { method: 'POST' }));
}

/**
 * The agent queue's waitUrl document (only Say, Play, Pause, Hangup, Redirect, Leave, Gather are
 * allowed there): "your caller is on hold" once, then a long silence; Twilio asks again when it
 * runs out. When the caller is gone, the agent is told and released.
 */
export function agentHoldTwiml(step: AgentHoldStep): Twiml {
  if (step === 'caller-left') return sayAndHangUp(CALLER_LEFT);
  const silence = pause({ length: AGENT_HOLD_PAUSE_SECONDS });
  return step === 'announce' ? twiml(say(CALLER_ON_HOLD), silence) : twiml(silence);
}

/**
 * The agent queue's waitUrl document with a hold limit: silence until the next due time (the
 * warning, then the limit), with "your caller is on hold" first and the warning when due; Twilio
 * asks again when the <Pause> ends (lib/shared/hold-limit.ts).
 */
export function agentHoldLimitTwiml(step: Exclude<LimitStep, { kind: 'resume' }>, announce: boolean): Twiml {
  const wait = step.kind === 'warn' ? step.thenWaitSeconds : step.seconds;
  return twiml(
    ...(announce ? [say(CALLER_ON_HOLD)] : []),
    ...(step.kind === 'warn' ? [say(step.words)] : []),
    pause({ length: Math.min(AGENT_HOLD_PAUSE_SECONDS, wait) }),
  );
}

export function callerTwiml(step: CallerStep, hold: CallerQueueSettings): Twiml {
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
