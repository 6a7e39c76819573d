// What the softphone asks of this project's functions, without the DOM or the Voice SDK, so that it
// runs (and is tested) in Node as well as in the page: the Voice SDK token from /agent-token, and
// hold/resume of the caller by the CallerCallSid the incoming call carries (docs/finding-the-call.md).

/** The answer of /agent-token (docs/hold-api.md). */
export interface AgentToken {
  token: string;
  identity: string;
  ttlSeconds: number;
  expiresAt: string;
}

/** The custom parameter that names the caller's CallSid on a client: agent's incoming call. */
export const CALLER_CALL_SID = 'CallerCallSid';
const CALL_SID = /^CA[0-9a-f]{32}$/;

export class AgentApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AgentApiError';
  }
}

type Fetch = typeof fetch;

async function send(fetchImpl: Fetch, url: string, holdApiToken: string, body?: URLSearchParams): Promise<unknown> {
  const response = await fetchImpl(url, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${holdApiToken}`, ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    body,
  });
  const text = await response.text();
  let parsed: { message?: unknown } | undefined;
  try {
    parsed = JSON.parse(text) as { message?: unknown };
  } catch {
    parsed = undefined;
  }
  if (response.status === 401) throw new AgentApiError(401, 'That token was refused.');
  if (!response.ok) {
    const why = typeof parsed?.message === 'string' ? parsed.message : `HTTP ${response.status}`;
    throw new AgentApiError(response.status, why);
  }
  if (parsed === undefined) throw new AgentApiError(response.status, 'the answer was not JSON');
  return parsed;
}

/** GET /agent-token with the hold API's bearer token. */
export async function fetchAgentToken(baseUrl: string, holdApiToken: string, fetchImpl: Fetch = fetch): Promise<AgentToken> {
  const answer = (await send(fetchImpl, `${baseUrl}/agent-token`, holdApiToken)) as Partial<AgentToken>;
  if (typeof answer.token !== 'string' || typeof answer.identity !== 'string') {
    throw new AgentApiError(200, 'the answer of /agent-token has no token');
  }
  return answer as AgentToken;
}

/** The caller's CallSid from an incoming call's custom parameters; undefined when absent or malformed. */
export function callerCallSidOf(customParameters: ReadonlyMap<string, string>): string | undefined {
  const value = customParameters.get(CALLER_CALL_SID);
  return value && CALL_SID.test(value) ? value : undefined;
}

/** POST /hold or /unhold for the caller; resolves to the answer's `held`. */
export async function setCallerHold(
  baseUrl: string,
  holdApiToken: string,
  callerCallSid: string,
  hold: boolean,
  fetchImpl: Fetch = fetch,
): Promise<boolean> {
  const answer = (await send(
    fetchImpl,
    `${baseUrl}/${hold ? 'hold' : 'unhold'}`,
    holdApiToken,
    new URLSearchParams({ CallSid: callerCallSid }),
  )) as {
    held?: unknown;
  };
  return answer.held === true;
}
