// POST /test-calls — the hold console's test controls, ONLY when the functions run against the local
// emulator (TWILIO_API_BASE_URL set): place a test call to the business number, hang up a caller or
// an agent. On a deployment it answers 404 and does nothing: real calls are placed by real phones.
// Bearer auth as /hold. Body: Action=place-call, or Action=hang-up with CallSid (either leg).
// The emulator's control API needs its own token (docs/emulator-api.md#access): EMULATOR_CONTROL_TOKEN,
// which npm start sets for the functions (docs/configuration.md).
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { requireBearerToken } from './platform/bearer-auth';
import { holdApiToken, optionalHttpUrl } from './platform/config';
import { badInput, conflict, notFound, upstream } from './platform/failure';
import { jsonResponse } from './platform/responses';
import { isSid } from './platform/sids';
import type { FunctionEvent, HoldContext } from './platform/env';

export type TestCallAction = { action: 'place-call' } | { action: 'hang-up'; callSid: string };

export function parseTestCallAction(event: FunctionEvent): TestCallAction {
  if (event.Action === 'place-call') return { action: 'place-call' };
  if (event.Action === 'hang-up') {
    const callSid = event.CallSid;
    if (!isSid('call', callSid)) throw badInput('CallSid must be "CA" followed by 32 lowercase hex digits');
    return { action: 'hang-up', callSid };
  }
  throw badInput('Action must be "place-call" or "hang-up"');
}

/** A caller number per test call, so that several are told apart in the list. */
function testCallerNumber(): string {
  return `+1555123${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
}

export async function handleTestCallRequest(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  requireBearerToken(event, holdApiToken(context));
  const emulator = optionalHttpUrl(context, 'TWILIO_API_BASE_URL');
  if (!emulator) throw notFound('test calls exist only on the local emulator');
  const request = parseTestCallAction(event);
  const base = emulator.replace(/\/+$/, '');
  const [path, body] =
    request.action === 'place-call'
      ? ['/emulator/calls', new URLSearchParams({ From: testCallerNumber() })]
      : [`/emulator/calls/${request.callSid}/hangup`, new URLSearchParams()];
  let response: Response;
  try {
    const headers = { Authorization: `Bearer ${context.EMULATOR_CONTROL_TOKEN ?? ''}` };
    response = await fetch(`${base}${path}`, { method: 'POST', body, headers, signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw upstream(`could not reach the emulator (${error instanceof Error ? error.message : String(error)})`);
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status === 409) throw conflict('that call cannot hang up now: it has ended already');
  if (response.status === 401)
    throw upstream("the emulator refused its control token: EMULATOR_CONTROL_TOKEN is not the emulator's (npm start sets both)");
  if (!response.ok) throw upstream(`the emulator answered ${response.status}: ${String(answer.error ?? '')}`);
  return jsonResponse(200, request.action === 'place-call' ? { callSid: answer.callSid } : { callSid: request.callSid, hungUp: true });
}
