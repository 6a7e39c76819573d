// Conference mode's hold limit (docs/hold-experience.md, "The limit in conference mode"). The held
// caller's holdUrl is the music alone (lib/shared/hold-music.ts), which never asks our functions
// again, so no outage can silence it. The limit's timer is the AGENT's holdUrl: while its caller is
// held, /hold also holds the agent's participant (alone in the conference, it hears silence either
// way) with POST /agent-hold-timer?CallerCallSid=..&HeldFor=.., whose document says "Your caller
// is on hold." once, pauses until the warning, says the warning, pauses until the limit, and at
// the limit resumes the agent, then the caller. A timer request that fails (an outage at its
// instant) loses the timer, never the caller's music: GET /calls takes the limit late and reports
// it (enforceLateLimits).
// twilio-rule: participant-hold-per-participant, holdurl-redirect-keeps-query, holdurl-twiml-verbs
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import type { Twilio } from 'twilio';
import { holdLimitConfig } from '../shared/settings';
import { badInput, isFailure, logFailure } from '../platform/failure';
import { twimlResponse } from '../platform/responses';
import { twilioClient } from '../platform/twilio-client';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';
import { heldForParam, heldForSeconds, requiredCallSid } from '../platform/webhook-params';
import { pause, redirect, say, twiml, type Twiml, type TwimlElement } from '../platform/twiml';
import type { FunctionEvent, HoldContext } from '../platform/env';
import { sayAndHangUp } from '../shared/caller-prompts';
import { agentLimitStep, CALLER_ON_HOLD, HOLD_LIMIT_NO_AGENT, LATE_LIMIT_SECONDS, type HoldLimit } from '../shared/hold-limit';
import { speechSeconds } from '../shared/hold-reminder';
import { sendTwimlToLeg } from '../shared/leg-twiml';
import { recordCallEvent } from '../state/call-events';
import { conferenceInStage } from './conferences';
import { holdAgentForTimer, resumeAgentFromTimer } from './hold';
import { agentHoldTimerUrl } from './urls';

const POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, budgetMs: 3000 };

/** The longest <Pause> of the timer (dial mode's agent loop pauses at most as long). */
const MAX_PAUSE_SECONDS = 3600;

/** If the resume at the limit failed, the timer asks again this much later. */
export const LIMIT_RETRY_SECONDS = 5;

/** The caller's participant as the timer sees it: its conference and whether it is held. */
type CallerState = { conferenceSid: string; held: boolean } | 'gone' | 'unknown';

/** 2 REST requests: the call's live conference, then the caller's participant in it. */
async function callerState(client: Twilio, callerCallSid: string): Promise<CallerState> {
  let conferenceSid: string | undefined;
  try {
    conferenceSid = await conferenceInStage(client, callerCallSid, 'in-progress', "find the call's conference", POLICY);
    if (!conferenceSid) return 'gone';
    const caller = await callTwilio(
      'read the held caller',
      () => client.conferences(conferenceSid!).participants(callerCallSid).fetch(),
      POLICY,
    );
    return { conferenceSid, held: caller.hold === true };
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') return 'gone';
    logFailure(error, { instead: "keeping the hold limit's timer running" });
    return conferenceSid ? { conferenceSid, held: true } : 'unknown';
  }
}

function timerRedirect(context: HoldContext, callerCallSid: string, heldFor: number, retry = false): TwimlElement {
  return redirect(agentHoldTimerUrl(context, callerCallSid, heldForParam(heldFor), retry), { method: 'POST' });
}

/** A short silence, then the timer asks again: a resume that failed, or a caller that could not be read. */
function askAgainSoon(context: HoldContext, callerCallSid: string, held: number): Twiml {
  return twiml(pause({ length: LIMIT_RETRY_SECONDS }), timerRedirect(context, callerCallSid, held + LIMIT_RETRY_SECONDS));
}

/** What the agent hears until the next step is due: words, a silence, then the timer asks again. */
export function agentTimerTwiml(context: HoldContext, callerCallSid: string, limit: HoldLimit, held: number): Twiml {
  const first = held === 0;
  const step = agentLimitStep(limit, held, first ? CALLER_ON_HOLD : '');
  if (step.kind === 'resume') throw new Error('the limit is due: resume, not wait');
  const words = step.kind === 'warn' ? step.words : first ? CALLER_ON_HOLD : '';
  // A wait longer than an hour takes one more request per hour, as dial mode's loop.
  const wait = Math.min(MAX_PAUSE_SECONDS, step.kind === 'warn' ? step.thenWaitSeconds : step.seconds);
  // agentLimitStep subtracts the words' estimated length (rounded down) from the wait.
  const next = held + (words ? Math.floor(speechSeconds(words)) : 0) + wait;
  return twiml(...(words ? [say(words)] : []), pause({ length: wait }), timerRedirect(context, callerCallSid, next));
}

/**
 * POST /agent-hold-timer?CallerCallSid=..&HeldFor=..[&Step=retry]: the agent's holdUrl while its
 * caller is held with a limit. Each request first reads the caller (2 REST requests): a caller no
 * longer held (a race with /unhold) has its agent resumed, and the timer ends.
 */
export async function handleAgentHoldTimer(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callerCallSid = requiredCallSid(event, 'CallerCallSid');
  // Twilio requests a holdUrl for the held participant's own call: the agent's, never the caller's.
  if (requiredCallSid(event, 'CallSid') === callerCallSid) throw badInput("this holdUrl belongs to the caller's agent");
  const held = heldForSeconds(event.HeldFor) ?? 0;
  const client = twilioClient(context);
  const caller = await callerState(client, callerCallSid);
  if (caller === 'gone') return twimlResponse(twiml());
  const limit = configuredLimit(context);
  if (caller !== 'unknown' && (!caller.held || !limit)) {
    // The caller was resumed (or the limit unset since): the agent is back with it.
    await resumeAgentFromTimer(client, caller.conferenceSid, POLICY).catch((error: unknown) =>
      logFailure(error, { failed: `could not take the agent of ${callerCallSid} off the hold limit's timer` }),
    );
    return twimlResponse(twiml());
  }
  if (!limit) return twimlResponse(twiml());
  if (held < limit.maxSeconds && event.Step !== 'retry') return twimlResponse(agentTimerTwiml(context, callerCallSid, limit, held));
  // A retry after a failed resume, or past the limit with the caller unread: wait a little, ask again.
  if (event.Step === 'retry' || caller === 'unknown') return twimlResponse(askAgainSoon(context, callerCallSid, held));
  return twimlResponse(await resumeAtLimit(context, client, callerCallSid, caller.conferenceSid, held));
}

function configuredLimit(context: HoldContext): HoldLimit | undefined {
  try {
    return holdLimitConfig(context);
  } catch (error) {
    logFailure(error, { instead: 'holding without a limit' });
    return undefined;
  }
}

type Resumed = 'resumed' | 'agent-gone' | 'caller-gone' | 'failed';

/**
 * The resume at the limit, agent first, then the caller (2 updates). The hold is recorded as ended
 * by the limit before the updates, so that the participant-unhold callback that follows finds it
 * ended. An agent gone: the caller is told and its leg ends. A failure is reported (limit-unenforced
 * once per hold, and a log line).
 */
async function resumeBothAtLimit(context: HoldContext, client: Twilio, callerCallSid: string, conferenceSid: string, held: number) {
  await recordCallEvent(context, callerCallSid, { kind: 'hold-ended', at: new Date(), heldSeconds: Math.floor(held), by: 'limit' });
  let outcome: Resumed = 'resumed';
  try {
    await resumeAgentFromTimer(client, conferenceSid, POLICY);
    await callTwilio(
      'resume the caller at the hold limit',
      () => client.conferences(conferenceSid).participants(callerCallSid).update({ hold: false }),
      POLICY,
    );
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') {
      outcome = 'agent-gone';
      await sendTwimlToLeg(client, callerCallSid, sayAndHangUp(HOLD_LIMIT_NO_AGENT).toString(), 'tell the caller the agent is gone');
    } else {
      outcome = 'failed';
      logFailure(error, { failed: `hold limit of ${callerCallSid} not enforced after ${Math.floor(held)} s: could not resume` });
      await recordCallEvent(context, callerCallSid, { kind: 'limit-unenforced', at: new Date(), heldSeconds: Math.floor(held) });
    }
  }
  if (outcome === 'resumed') console.log(`hold limit of ${callerCallSid} reached after ${Math.floor(held)} s: resumed`);
  return outcome;
}

/**
 * At the limit, from the timer. If the resume failed, the timer runs on: the agent, if already
 * resumed, is held again with the timer (Step=retry), which asks again LIMIT_RETRY_SECONDS later.
 */
async function resumeAtLimit(context: HoldContext, client: Twilio, callerCallSid: string, conferenceSid: string, held: number) {
  const outcome = await resumeBothAtLimit(context, client, callerCallSid, conferenceSid, held);
  if (outcome !== 'failed') return twiml();
  try {
    await holdAgentForTimer(client, conferenceSid, agentHoldTimerUrl(context, callerCallSid, heldForParam(held), true), POLICY);
    return twiml();
  } catch {
    // The agent's hold is still this document (the agent update was what failed): it asks again.
    return askAgainSoon(context, callerCallSid, held);
  }
}

/** A call as GET /calls lists it: what decides whether its limit may have been lost. */
export interface ListedHold {
  callSid: string;
  mode: string;
  state: string;
  conferenceSid: string | null;
}

/** At most this many held callers are looked at per GET /calls (1 read each, 2 updates if late). */
const LATE_LIMITS_PER_READ = 10;

/**
 * How long the caller has been held, on Twilio's own clock: its participant's date_updated (the
 * hold was its last update) and the Date of Twilio's answer (1 REST request). The functions' clock
 * is not used: a record's times are Twilio's, and a clock of ours may differ from it.
 */
async function heldOnTwilioClock(client: Twilio, conferenceSid: string, callerCallSid: string): Promise<number | undefined> {
  const uri = `${client.api.baseUrl}/2010-04-01/Accounts/${client.accountSid}/Conferences/${conferenceSid}/Participants/${callerCallSid}.json`;
  const response = (await callTwilio('read how long the caller is held', () => client.request({ method: 'get', uri }), POLICY)) as {
    statusCode: number;
    body: unknown;
    headers: Record<string, string | undefined>;
  };
  if (response.statusCode !== 200) return undefined;
  const body = (typeof response.body === 'string' ? JSON.parse(response.body) : response.body) as { hold?: boolean; date_updated?: string };
  const now = Date.parse(response.headers.date ?? '');
  const since = Date.parse(body.date_updated ?? '');
  if (body.hold !== true || Number.isNaN(now) || Number.isNaN(since)) return undefined;
  return Math.max(0, (now - since) / 1000);
}

/**
 * GET /calls, the next chance after a timer lost to an outage: a conference caller held past the
 * limit plus LATE_LIMIT_SECONDS is reported (limit-unenforced, and a log line) and resumed, agent
 * first. Costs 1 read per held caller (at most LATE_LIMITS_PER_READ) and, when late, 2 updates.
 * Returns the callers resumed.
 */
export async function enforceLateLimits(context: HoldContext, calls: ListedHold[]): Promise<string[]> {
  const limit = configuredLimit(context);
  if (!limit) return [];
  const held = calls
    .filter((call) => call.mode === 'conference' && call.state === 'on-hold' && call.conferenceSid)
    .slice(0, LATE_LIMITS_PER_READ);
  if (held.length === 0) return [];
  const client = twilioClient(context);
  const outcomes = await Promise.all(
    held.map(async (call) => {
      const seconds = await heldOnTwilioClock(client, call.conferenceSid!, call.callSid).catch((error: unknown) => {
        logFailure(error, { failed: `could not read how long ${call.callSid} is held` });
        return undefined;
      });
      if (seconds === undefined || seconds < limit.maxSeconds + LATE_LIMIT_SECONDS) return undefined;
      console.error(`hold limit of ${call.callSid} found late by GET /calls after ${Math.floor(seconds)} s: its timer was lost`);
      await recordCallEvent(context, call.callSid, { kind: 'limit-unenforced', at: new Date(), heldSeconds: Math.floor(seconds) });
      const outcome = await resumeBothAtLimit(context, client, call.callSid, call.conferenceSid!, seconds);
      return outcome === 'resumed' ? call.callSid : undefined;
    }),
  );
  return outcomes.filter((callSid): callSid is string => callSid !== undefined);
}
