// Reads and validates the environment at the point of use, so a misconfiguration is reported
// by the request that needs the setting, as a clear "misconfigured" failure (HTTP 500 without
// a stack trace, or an apology to a caller), never as a crash at load time. Only what any Function
// needs is here (secrets, URLs, whole numbers of seconds); the settings of holding a call are
// lib/shared/settings.ts.
import { misconfigured } from './failure';
import type { HoldEnv } from './env';
import { isSid } from './sids';

export function holdApiToken(env: HoldEnv): string {
  const token = env.HOLD_API_TOKEN;
  // Never open by default: without a token the control API refuses every request.
  if (!token) throw misconfigured('HOLD_API_TOKEN is not configured');
  return token;
}

/**
 * The key that signs hold events the Standard Webhooks way (https://www.standardwebhooks.com/):
 * "whsec_" + base64 of 24 to 64 random bytes (the specification's range). A key of its own, never
 * HOLD_API_TOKEN: whoever verifies events must not be able to hold calls.
 */
export function holdEventsSecret(env: HoldEnv): string {
  const value = env.HOLD_EVENTS_SECRET?.trim();
  if (!value) throw misconfigured('HOLD_EVENTS_SECRET is not configured (whsec_ + base64 of 24-64 random bytes)');
  const base64 = value.startsWith('whsec_') ? value.slice('whsec_'.length) : undefined;
  const bytes = base64 !== undefined && /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64').length : 0;
  if (bytes < 24 || bytes > 64) throw misconfigured('HOLD_EVENTS_SECRET must be whsec_ followed by base64 of 24-64 random bytes');
  if (value === env.HOLD_API_TOKEN?.trim()) throw misconfigured('HOLD_EVENTS_SECRET must not be HOLD_API_TOKEN');
  return value;
}

/** An optional absolute http(s) URL from the environment; an invalid one is a misconfiguration. */
export function optionalHttpUrl(env: HoldEnv, name: 'HOLD_MUSIC_URL' | 'TWILIO_API_BASE_URL' | 'HOLD_EVENTS_URL'): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw misconfigured(`${name} "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw misconfigured(`${name} must be an http(s) URL, not "${value}"`);
  }
  return value;
}

/** A whole number of seconds from `min` to `max`, or undefined when unset. */
export function optionalSeconds(env: HoldEnv, name: keyof HoldEnv & string, min: number, max: number): number | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < min || seconds > max) {
    throw misconfigured(`${name} must be a whole number of seconds from ${min} to ${max}, not "${value}"`);
  }
  return seconds;
}

/** What signs a Voice SDK access token for a client: agent (/agent-token). */
export interface VoiceSdkKey {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  twimlAppSid: string;
}

// Twilio shows an API key's secret once, when the key is created (https://www.twilio.com/docs/iam/api-keys);
// a secret this short or with spaces is a paste gone wrong. Nothing more is checked, and it is
// never echoed back: a wrong secret shows as the device's "invalid token" error (20101).
const MIN_API_SECRET_CHARS = 16;

/**
 * ACCOUNT_SID (deployed, the runtime sets it), TWILIO_API_KEY, TWILIO_API_SECRET and TWIML_APP_SID,
 * all required to issue a Voice SDK token. Messages name the variable, never a secret's value.
 */
export function voiceSdkKey(env: HoldEnv): VoiceSdkKey {
  const accountSid = env.ACCOUNT_SID?.trim() ?? '';
  const apiKeySid = env.TWILIO_API_KEY?.trim() ?? '';
  const apiKeySecret = env.TWILIO_API_SECRET?.trim() ?? '';
  const twimlAppSid = env.TWIML_APP_SID?.trim() ?? '';
  const missing = (['TWILIO_API_KEY', 'TWILIO_API_SECRET', 'TWIML_APP_SID'] as const).filter((name) => !env[name]?.trim());
  if (missing.length > 0)
    throw misconfigured(
      `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set: a client: agent's token needs them (docs/going-live.md)`,
    );
  if (!isSid('account', accountSid)) throw misconfigured('ACCOUNT_SID is not an Account SID (AC followed by 32 hex digits)');
  if (!isSid('apiKey', apiKeySid))
    throw misconfigured(`TWILIO_API_KEY "${apiKeySid.slice(0, 40)}" is not an API key SID (SK followed by 32 hex digits)`);
  if (apiKeySecret.length < MIN_API_SECRET_CHARS || /\s/.test(apiKeySecret)) {
    throw misconfigured(`TWILIO_API_SECRET is not an API key secret (at least ${MIN_API_SECRET_CHARS} characters, no spaces)`);
  }
  if (!isSid('twimlApp', twimlAppSid))
    throw misconfigured(`TWIML_APP_SID "${twimlAppSid.slice(0, 40)}" is not a TwiML App SID (AP followed by 32 hex digits)`);
  return { accountSid, apiKeySid, apiKeySecret, twimlAppSid };
}
