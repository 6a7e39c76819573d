// The settings of holding a call, read from the environment at the point of use (as
// lib/platform/config.ts reads what any Function needs): the mode, the agent and how it is rung,
// screening, reminders, the hold limit and the line. A misconfiguration is a "misconfigured"
// failure of the request that needs the setting. docs/configuration.md documents each variable.
import { misconfigured } from '../platform/failure';
import { optionalSeconds } from '../platform/config';
import { parsePartyAddress, parsePhoneNumber, type PartyAddress } from '../platform/party-address';
import type { HoldEnv } from '../platform/env';

/** HOLD_MODE: which mode holds calls (docs/configuration.md); the mode itself is lib/hold-mode.ts. */
export type HoldModeName = 'conference' | 'dial';

export function holdModeName(env: HoldEnv): HoldModeName {
  const value = (env.HOLD_MODE ?? '').trim().toLowerCase();
  if (value === '' || value === 'conference') return 'conference';
  if (value === 'dial') return 'dial';
  throw misconfigured(`HOLD_MODE must be "conference" or "dial", not "${env.HOLD_MODE}"`);
}

export function agentAddress(env: HoldEnv): PartyAddress {
  const value = env.AGENT_NUMBER?.trim();
  if (!value) throw misconfigured('AGENT_NUMBER is not set');
  const address = parsePartyAddress(value);
  if (!address) {
    throw misconfigured(`AGENT_NUMBER "${value}" is not an E.164 number (+14155550100), client:identity or sip: URI`);
  }
  return address;
}

/**
 * CALLER_ID, when set, is the number the agent's phone shows. Unset, the default depends on the mode
 * (docs/configuration.md): conference mode places the agent's call from the number the caller
 * dialled (lib/conference/call.ts); dial mode's <Dial> has no callerId, so Twilio shows the caller's
 * own number (lib/dial/twiml.ts, callerDialsAgent).
 */
export function callerIdOverride(env: HoldEnv): string | undefined {
  const value = env.CALLER_ID?.trim();
  if (!value) return undefined;
  if (!parsePhoneNumber(value)) {
    throw misconfigured(`CALLER_ID "${value}" is not an E.164 number`);
  }
  return value;
}

// Twilio accepts a participant/Dial ring timeout of 5 to 600 seconds (default 60); 30 s lets a
// caller reach voicemail-free agents without waiting a full minute.
export const DEFAULT_RING_TIMEOUT_SECONDS = 30;

export function ringTimeoutSeconds(env: HoldEnv): number {
  const value = env.AGENT_RING_TIMEOUT?.trim();
  if (!value) return DEFAULT_RING_TIMEOUT_SECONDS;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 5 || seconds > 600) {
    throw misconfigured(`AGENT_RING_TIMEOUT must be a whole number of seconds from 5 to 600, not "${value}"`);
  }
  return seconds;
}

/**
 * AGENT_SCREENING (on by default) and AGENT_SCREENING_TEXT: whether a number or SIP agent must
 * press a key to take the call, and the words it hears first. A `client:` agent is never screened
 * (its software answers, and no voicemail sits behind it): undefined then, and when switched off.
 */
export interface ScreeningConfig {
  /** The words as configured, `{from}` not yet filled in; undefined = the default words. */
  text?: string;
}

// One or two sentences; <Say> itself takes 4,096 characters (https://www.twilio.com/docs/voice/twiml/say).
const MAX_SCREENING_TEXT = 300;

export function agentScreening(env: HoldEnv, agent: PartyAddress): ScreeningConfig | undefined {
  const value = (env.AGENT_SCREENING ?? '').trim().toLowerCase();
  if (value !== '' && value !== 'on' && value !== 'off') {
    throw misconfigured(`AGENT_SCREENING must be "on" or "off", not "${env.AGENT_SCREENING}"`);
  }
  const text = env.AGENT_SCREENING_TEXT?.trim() || undefined;
  if (text !== undefined) {
    if (text.length > MAX_SCREENING_TEXT) {
      throw misconfigured(`AGENT_SCREENING_TEXT must be at most ${MAX_SCREENING_TEXT} characters, not ${text.length}`);
    }
    const unknown = /\{(?!from\})[^}]*\}/.exec(text);
    if (unknown) throw misconfigured(`AGENT_SCREENING_TEXT may only use the placeholder {from}, not ${unknown[0]}`);
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    if (/[\0-\x08\x0B\f\x0E-\x1F]/.test(text)) throw misconfigured('AGENT_SCREENING_TEXT contains a control character');
  }
  if (value === 'off' || agent.kind === 'client') return undefined;
  return { text };
}

/** The reminder settings as configured (docs/hold-experience.md); the words' default lives in lib/shared/hold-reminder.ts. */
export interface ReminderConfig {
  everySeconds: number;
  text?: string;
  voice?: string;
  /** HOLD_MUSIC_SECONDS, undefined = the bundled music's length. */
  musicSeconds?: number;
}

/** True when HOLD_REMINDER_SECONDS is set at all: the held party's music then comes from /hold-music. */
export function remindersWanted(env: HoldEnv): boolean {
  return Boolean(env.HOLD_REMINDER_SECONDS?.trim());
}

// Twilio's <Say> takes up to 4,096 characters (https://www.twilio.com/docs/voice/twiml/say); a
// reminder is one sentence, and the limit leaves room for the placeholder's words.
const MAX_REMINDER_TEXT = 500;
// <Say voice>: "man", "woman", "alice", or Polly.* / Google.* names such as Polly.Joanna-Neural
// or Google.en-US-Standard-C (https://www.twilio.com/docs/voice/twiml/say/text-speech).
const VOICE_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

/** HOLD_REMINDER_SECONDS (15-3600), HOLD_REMINDER_TEXT, HOLD_VOICE, HOLD_MUSIC_SECONDS; undefined = no reminders. */
export function reminderConfig(env: HoldEnv): ReminderConfig | undefined {
  const everySeconds = optionalSeconds(env, 'HOLD_REMINDER_SECONDS', 15, 3600);
  const musicSeconds = optionalSeconds(env, 'HOLD_MUSIC_SECONDS', 5, 3600);
  const text = env.HOLD_REMINDER_TEXT?.trim() || undefined;
  if (text && text.length > MAX_REMINDER_TEXT) {
    throw misconfigured(`HOLD_REMINDER_TEXT must be at most ${MAX_REMINDER_TEXT} characters, not ${text.length}`);
  }
  const voice = env.HOLD_VOICE?.trim() || undefined;
  if (voice && !VOICE_NAME.test(voice)) {
    throw misconfigured(`HOLD_VOICE "${voice}" is not a Twilio voice name (alice, Polly.Joanna, Google.en-US-Standard-C, ...)`);
  }
  if (everySeconds === undefined) return undefined;
  return { everySeconds, text, voice, musicSeconds };
}

/** The hold limit (docs/hold-experience.md): the automatic resume after maxSeconds, a warning to the agent warningSeconds before. */
export interface HoldLimitConfig {
  maxSeconds: number;
  warningSeconds: number;
}

export const DEFAULT_HOLD_WARNING_SECONDS = 60;

/**
 * HOLD_MAX_SECONDS (30-14400: 4 h is Twilio's default <Dial> time limit), HOLD_WARNING_SECONDS
 * (5-3600, less than the limit; default 60, or half the limit when that is shorter); undefined = no limit.
 */
export function holdLimitConfig(env: HoldEnv): HoldLimitConfig | undefined {
  const maxSeconds = optionalSeconds(env, 'HOLD_MAX_SECONDS', 30, 14_400);
  const warning = optionalSeconds(env, 'HOLD_WARNING_SECONDS', 5, 3600);
  if (maxSeconds === undefined) return undefined;
  if (warning !== undefined && warning >= maxSeconds) {
    throw misconfigured(`HOLD_WARNING_SECONDS (${warning}) must be less than HOLD_MAX_SECONDS (${maxSeconds})`);
  }
  return { maxSeconds, warningSeconds: warning ?? Math.min(DEFAULT_HOLD_WARNING_SECONDS, Math.floor(maxSeconds / 2)) };
}

/** How long a caller waits in line for a busy agent by default (docs/line.md). */
export const DEFAULT_LINE_MAX_WAIT_SECONDS = 600;

/**
 * LINE_MAX_WAIT_SECONDS (30-14400): the longest wait in line before the caller is told and released;
 * 0 = no line (every caller rings the agent, e.g. an agent address that takes several calls at once).
 */
export function lineMaxWaitSeconds(env: HoldEnv): number | undefined {
  if (env.LINE_MAX_WAIT_SECONDS?.trim() === '0') return undefined;
  return optionalSeconds(env, 'LINE_MAX_WAIT_SECONDS', 30, 14_400) ?? DEFAULT_LINE_MAX_WAIT_SECONDS;
}

/**
 * LINE_MAX_CALLERS (1-1000): how many callers may wait in line; one more is told and released.
 * Unset: up to the queue's own max_size (1000 by default, https://www.twilio.com/docs/voice/api/queue-resource).
 */
export function lineMaxCallers(env: HoldEnv): number | undefined {
  const value = env.LINE_MAX_CALLERS?.trim();
  if (!value) return undefined;
  const callers = Number(value);
  if (!/^\d+$/.test(value) || callers < 1 || callers > 1000) {
    throw misconfigured(`LINE_MAX_CALLERS must be a whole number from 1 to 1000, not "${value}"`);
  }
  return callers;
}
