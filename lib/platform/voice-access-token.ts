// A Voice SDK access token for the agent's softphone: a JWT signed with an API key, naming the
// agent's identity and granting it incoming calls (https://www.twilio.com/docs/iam/access-tokens,
// "Voice grant"). Signed with the `twilio` package's own AccessToken and VoiceGrant, loaded on the
// first token, not at module load: `require('twilio')` costs about 130 ms and 239 modules on a cold
// start (lib/platform/twilio-client.ts), its jwt/AccessToken module alone about 35 ms and 77 modules
// (one cold `node -e require(...)` each, Node 20.20, this project's twilio 6.2.0). It is the same
// class as `twilio.jwt.AccessToken` (tests/unit/agent-token.test.ts checks that).
import type { VoiceSdkKey } from './config';

type AccessTokenClass = typeof import('twilio/lib/jwt/AccessToken');

/**
 * How long a token lives. Twilio accepts up to 24 h and advises the shortest that works
 * (https://www.twilio.com/docs/iam/access-tokens); the softphone asks for a new one when the Voice
 * SDK's Device says the token will expire ("tokenWillExpire"), so an hour costs one request an hour.
 */
export const AGENT_TOKEN_TTL_SECONDS = 3600;

export interface VoiceAccessToken {
  /** The JWT, for `new Device(token)` / `device.updateToken(token)`. */
  token: string;
  /** The identity it registers: AGENT_NUMBER without `client:`. */
  identity: string;
  ttlSeconds: number;
  /** ISO 8601: when Twilio stops accepting it. */
  expiresAt: string;
}

let accessTokenClass: AccessTokenClass | undefined;

function loadAccessToken(): AccessTokenClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first token, not at cold start (lib/platform/twilio-client.ts says why)
  accessTokenClass ??= require('twilio/lib/jwt/AccessToken') as AccessTokenClass;
  return accessTokenClass;
}

export function voiceAccessToken(key: VoiceSdkKey, identity: string, now: Date = new Date()): VoiceAccessToken {
  const AccessToken = loadAccessToken();
  const token = new AccessToken(key.accountSid, key.apiKeySid, key.apiKeySecret, { identity, ttl: AGENT_TOKEN_TTL_SECONDS });
  // incomingAllow: the device is rung as client:<identity>. The TwiML App is the token's outgoing
  // application: Twilio asks its Voice URL only for calls the device itself places.
  token.addGrant(new AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: key.twimlAppSid }));
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + AGENT_TOKEN_TTL_SECONDS * 1000).toISOString();
  return { token: token.toJwt(), identity, ttlSeconds: AGENT_TOKEN_TTL_SECONDS, expiresAt };
}
