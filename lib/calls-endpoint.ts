// GET|POST /calls: every live call's record for the hold console and agent software. Same Bearer
// auth and error contract as /hold. Its REST cost does not grow per call: ceil(N / 100) Sync list
// requests for N live calls (at least one), and no Voice API request (docs/console.md).
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { requireBearerToken } from './platform/bearer-auth';
import { holdApiToken, optionalHttpUrl } from './platform/config';
import { jsonResponse } from './platform/responses';
import { twilioClient } from './platform/twilio-client';
import type { FunctionEvent, HoldContext } from './platform/env';
import type { CallRecord } from './state/call-record';
import { listCallRecords, syncServiceSid } from './state/call-store';

export interface CallsAnswer {
  calls: CallRecord[];
  /** The functions run against the local emulator: the console shows its test-call controls. */
  emulator: boolean;
}

export function runsOnEmulator(context: HoldContext): boolean {
  return optionalHttpUrl(context, 'TWILIO_API_BASE_URL') !== undefined;
}

export async function handleCallsRequest(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  requireBearerToken(event, holdApiToken(context));
  const records = await listCallRecords(twilioClient(context), syncServiceSid(context), new Date());
  // Oldest call first, so a row does not move while a person reaches for its button.
  const calls = [...records].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.callSid.localeCompare(b.callSid));
  const answer: CallsAnswer = { calls, emulator: runsOnEmulator(context) };
  return jsonResponse(200, answer);
}
