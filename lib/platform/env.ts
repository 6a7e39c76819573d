import type { Context } from '@twilio-labs/serverless-runtime-types/types';

/** The environment variables this project reads (documented in .env.example). */
export interface HoldEnv {
  [key: string]: string | undefined;
  ACCOUNT_SID?: string;
  AUTH_TOKEN?: string;
  AGENT_NUMBER?: string;
  CALLER_ID?: string;
  HOLD_MODE?: string;
  HOLD_API_TOKEN?: string;
  HOLD_MUSIC_URL?: string;
  AGENT_RING_TIMEOUT?: string;
  TWILIO_API_BASE_URL?: string;
  EMULATOR_CONTROL_TOKEN?: string;
  HOLD_MUSIC_SECONDS?: string;
  HOLD_REMINDER_SECONDS?: string;
  HOLD_REMINDER_TEXT?: string;
  HOLD_VOICE?: string;
  HOLD_EVENTS_URL?: string;
  HOLD_EVENTS_SECRET?: string;
  HOLD_MAX_SECONDS?: string;
  HOLD_WARNING_SECONDS?: string;
  LINE_MAX_WAIT_SECONDS?: string;
  LINE_MAX_CALLERS?: string;
  SYNC_SERVICE_SID?: string;
  TWILIO_API_KEY?: string;
  TWILIO_API_SECRET?: string;
  TWIML_APP_SID?: string;
  AGENT_SCREENING?: string;
  AGENT_SCREENING_TEXT?: string;
}

export type HoldContext = Context<HoldEnv>;

/** What a Twilio Function receives as `event`: the request's parameters plus its headers. */
export interface FunctionEvent {
  [param: string]: unknown;
  request?: { headers?: Record<string, string | string[] | undefined>; cookies?: unknown };
}
