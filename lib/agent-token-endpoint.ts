// GET or POST /agent-token: a Voice SDK access token for a client: agent's softphone, so that a
// browser (or app) registered as AGENT_NUMBER=client:<identity> is rung with each caller. Guarded
// like /hold by HOLD_API_TOKEN: whoever may hold calls may also answer them.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { requireBearerToken } from './platform/bearer-auth';
import { holdApiToken, voiceSdkKey } from './platform/config';
import { agentAddress } from './shared/settings';
import { notFound } from './platform/failure';
import { jsonResponse } from './platform/responses';
import { voiceAccessToken } from './platform/voice-access-token';
import type { FunctionEvent, HoldContext } from './platform/env';

export function handleAgentTokenRequest(context: HoldContext, event: FunctionEvent): TwilioResponse {
  requireBearerToken(event, holdApiToken(context));
  const agent = agentAddress(context);
  // Only the configured agent's identity is ever issued: a token for any other name would be rung
  // by nobody, and would let a holder of the token register as someone else.
  if (agent.kind !== 'client') {
    throw notFound('AGENT_NUMBER is not a client:identity, so there is no Voice SDK agent to issue a token for');
  }
  return jsonResponse(200, voiceAccessToken(voiceSdkKey(context), agent.identity));
}
