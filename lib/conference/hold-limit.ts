// Conference mode's hold limit (docs/hold-experience.md). A held caller's holdUrl document is the timer: it plays
// the music (and the reminders) up to the first boundary at or after the next due time, then
// <Redirect>s to /hold-music with the time held (HeldFor) and the caller (CallerCallSid); that
// request does what is due: the warning (an announcement to the agent's participant) or, at the
// limit, the resume (the caller's participant update, as /unhold). docs/hold-experience.md states
// the seconds. Only the caller's holds have a limit (its holdUrl carries CallerCallSid).
// twilio-rule: holdurl-redirect-keeps-query, holdurl-twiml-verbs, participant-announcement
import type { Twilio } from 'twilio';
import { holdLimitConfig } from '../shared/settings';
import { isFailure, logFailure } from '../platform/failure';
import { functionUrl } from '../platform/function-url';
import { twilioClient } from '../platform/twilio-client';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';
import { isSid } from '../platform/sids';
import { heldForParam } from '../platform/webhook-params';
import { play, redirect, say, twiml, type Twiml, type TwimlElement } from '../platform/twiml';
import type { FunctionEvent, HoldContext } from '../platform/env';
import { sayAndHangUp } from '../shared/caller-prompts';
import { HOLD_LIMIT_NO_AGENT, type HoldLimit } from '../shared/hold-limit';
import { HOLD_MUSIC_FUNCTION_PATH, holdMusicAudioUrl, holdReminderSettings, reminderSayAttributes } from '../shared/hold-music';
import { BUNDLED_MUSIC_SECONDS, playsPerReminder, reminderWords, speechSeconds, type HoldReminderSettings } from '../shared/hold-reminder';
import { sendTwimlToLeg } from '../shared/leg-twiml';
import { recordCallEvent } from '../state/call-events';
import { AGENT_LABEL, conferenceInStage } from './conferences';
import { HOLD_WARNING_PATH } from './urls';

/** The segments of a document: music (k plays) and, with reminders, the reminder after each. */
interface Segment {
  plays: number;
  words?: string;
  /** Seconds held when the segment ends. */
  endsAt: number;
}

/**
 * From `held` seconds, the segments up to the first boundary at or after `due` (the music cannot
 * be cut short). Without reminders a segment is one play of the music.
 */
export function segmentsUntil(held: number, due: number, musicSeconds: number, reminders?: HoldReminderSettings): Segment[] {
  const plays = reminders ? playsPerReminder(reminders) : 1;
  const segments: Segment[] = [];
  let atMs = Math.round(held * 1000);
  const dueMs = Math.round(due * 1000);
  do {
    atMs += plays * musicSeconds * 1000;
    const words = reminders ? reminderWords(reminders.text, atMs / 1000) : undefined;
    if (words) atMs += Math.round(speechSeconds(words) * 1000);
    segments.push({ plays, words, endsAt: atMs / 1000 });
  } while (atMs < dueMs);
  return segments;
}

function documentUntil(
  context: HoldContext,
  callerCallSid: string,
  held: number,
  due: number,
  reminders: HoldReminderSettings | undefined,
  warned: boolean,
): Twiml {
  const audio = holdMusicAudioUrl(context);
  const segments = segmentsUntil(held, due, reminders?.musicSeconds ?? BUNDLED_MUSIC_SECONDS, reminders);
  const verbs: TwimlElement[] = reminders
    ? segments.flatMap((segment) => [
        play(audio, { loop: segment.plays }),
        ...(segment.words ? [say(segment.words, reminderSayAttributes(reminders))] : []),
      ])
    : // Without reminders the segments are plays of the music: one <Play loop>, however long.
      [play(audio, { loop: segments.reduce((plays, segment) => plays + segment.plays, 0) })];
  const heldFor = heldForParam(segments.at(-1)!.endsAt);
  verbs.push(
    redirect(
      functionUrl(context, HOLD_MUSIC_FUNCTION_PATH, {
        CallerCallSid: callerCallSid,
        HeldFor: heldFor,
        ...(warned ? { Warned: 'true' } : {}),
      }),
      { method: 'POST' },
    ),
  );
  return twiml(...verbs);
}

/**
 * With reminders, how far one document plays at most before it asks again (about 100 reminders at
 * the shortest interval). Each request is an instant at which an outage silences the caller
 * (docs/hold-experience.md), so a document asks only when a step is due, or once an hour.
 */
const MAX_REMINDER_DOCUMENT_SECONDS = 3600;

/**
 * POST /hold-music?CallerCallSid=..&HeldFor=..[&Warned=true]: the held caller's holdUrl with a limit.
 * Twilio sends the held participant's CallSid, which must be the caller's (else 400 upstream of here).
 */
export async function conferenceLimitedHold(context: HoldContext, event: FunctionEvent, limit: HoldLimit, held: number): Promise<Twiml> {
  const callerCallSid = String(event.CallerCallSid);
  let reminders: HoldReminderSettings | undefined;
  try {
    reminders = holdReminderSettings(context);
  } catch (error) {
    logFailure(error, { instead: 'playing the hold music without reminders' });
  }
  const warnAt = limit.maxSeconds - limit.warningSeconds;
  const warned = event.Warned === 'true';
  const client = twilioClient(context);
  if (held >= limit.maxSeconds)
    return resumeAtLimit(context, client, callerCallSid, held, reminders?.musicSeconds ?? BUNDLED_MUSIC_SECONDS);
  if (held >= warnAt && !warned) {
    await warnAgent(context, client, callerCallSid, held);
    return documentUntil(context, callerCallSid, held, limit.maxSeconds, reminders, true);
  }
  const next = warned ? limit.maxSeconds : warnAt;
  const due = reminders ? Math.min(next, held + MAX_REMINDER_DOCUMENT_SECONDS) : next;
  return documentUntil(context, callerCallSid, held, due, reminders, warned);
}

const POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, budgetMs: 3000 };

function liveConference(client: Twilio, callerCallSid: string): Promise<string | undefined> {
  return conferenceInStage(client, callerCallSid, 'in-progress', "find the call's conference", POLICY);
}

/** The warning: an announcement to the agent's participant (2 REST requests: find, update). */
async function warnAgent(context: HoldContext, client: Twilio, callerCallSid: string, held: number): Promise<void> {
  try {
    const conferenceSid = await liveConference(client, callerCallSid);
    if (!conferenceSid) return;
    const announceUrl = functionUrl(context, HOLD_WARNING_PATH, { HeldFor: String(Math.floor(held)) });
    await callTwilio(
      'warn the agent of the hold limit',
      () => client.conferences(conferenceSid).participants(AGENT_LABEL).update({ announceUrl, announceMethod: 'POST' }),
      POLICY,
    );
  } catch (error) {
    // The warning is a courtesy: the resume at the limit does not depend on it.
    logFailure(error, { failed: `could not warn the agent of ${callerCallSid}` });
  }
}

/**
 * At the limit: the hold is recorded as ended by the limit (before the update, so the
 * participant-unhold callback that follows finds it ended), then the caller's participant is
 * resumed (2 REST requests). No live conference or no caller in it: the agent's side is gone,
 * the caller is told and its leg ends. If the update fails, the music plays once more and the
 * holdUrl asks again.
 */
async function resumeAtLimit(
  context: HoldContext,
  client: Twilio,
  callerCallSid: string,
  held: number,
  musicSeconds: number,
): Promise<Twiml> {
  try {
    const conferenceSid = await liveConference(client, callerCallSid);
    if (conferenceSid) {
      await recordCallEvent(context, callerCallSid, { kind: 'hold-ended', at: new Date(), heldSeconds: Math.floor(held), by: 'limit' });
      await callTwilio(
        'resume the caller at the hold limit',
        () => client.conferences(conferenceSid).participants(callerCallSid).update({ hold: false }),
        POLICY,
      );
      console.log(`hold limit of ${callerCallSid} reached after ${held} s: resumed`);
      return twiml();
    }
    await sendTwimlToLeg(client, callerCallSid, sayAndHangUp(HOLD_LIMIT_NO_AGENT).toString(), 'tell the caller the agent is gone');
    return twiml();
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') {
      await sendTwimlToLeg(client, callerCallSid, sayAndHangUp(HOLD_LIMIT_NO_AGENT).toString(), 'tell the caller the agent is gone');
      return twiml();
    }
    logFailure(error, { failed: `hold limit of ${callerCallSid} not enforced after ${held} s: could not resume` });
    await recordCallEvent(context, callerCallSid, { kind: 'limit-unenforced', at: new Date(), heldSeconds: Math.floor(held) });
    return twiml(
      play(holdMusicAudioUrl(context)),
      redirect(
        functionUrl(context, HOLD_MUSIC_FUNCTION_PATH, {
          CallerCallSid: callerCallSid,
          HeldFor: heldForParam(held + musicSeconds),
          Warned: 'true',
        }),
        { method: 'POST' },
      ),
    );
  }
}

/** The limit of a caller's hold, when the holdUrl names the caller and a limit is configured. */
export function conferenceHoldLimit(context: HoldContext, event: FunctionEvent): HoldLimit | undefined {
  if (!isSid('call', event.CallerCallSid)) return undefined;
  try {
    return holdLimitConfig(context);
  } catch (error) {
    logFailure(error, { instead: 'holding without a limit' });
    return undefined;
  }
}
