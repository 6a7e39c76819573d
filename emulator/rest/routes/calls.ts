// /Calls: create, fetch, list (ParentCallSid, Status, To, From filters), update (redirect, hang up).
import { TwilioApiError } from '../../engine/errors';
import type { CallEvent } from '../../twiml/types';
import { formatCall, page } from '../format';
import type { Route, RouteContext } from '../route';

/**
 * Inline TwiML (the Twiml parameter) is at most 4,000 characters: error 32018 "Twiml size exceeded
 * maximum allowed value of 4000 characters" (https://www.twilio.com/docs/api/errors/32018). The
 * HTTP status, 400, is inferred. twilio-rule: inline-twiml-limit
 */
export const MAX_INLINE_TWIML_CHARS = 4000;

function inlineTwiml(params: RouteContext['params']): string | undefined {
  const twiml = params.str('Twiml');
  if (twiml !== undefined && [...twiml].length > MAX_INLINE_TWIML_CHARS) {
    throw new TwilioApiError(400, 32018, `Twiml size exceeded maximum allowed value of ${MAX_INLINE_TWIML_CHARS} characters`);
  }
  return twiml;
}

function createCall({ engine, params, dates }: RouteContext) {
  const to = params.required('To');
  const from = params.required('From');
  const url = params.str('Url');
  const twiml = inlineTwiml(params);
  if (!url && !twiml) throw new TwilioApiError(400, 21205, 'Url, Twiml or ApplicationSid is required');
  if (url && twiml) throw new TwilioApiError(400, 20001, 'Url and Twiml cannot both be given');
  const call = engine.createApiCall(
    {
      from,
      to,
      direction: 'outbound-api',
      // Timeout: "how long to let the call ring before assuming there is no answer", default 60 s.
      timeoutSec: params.int('Timeout') ?? 60,
      statusCallback: params.str('StatusCallback'),
      statusCallbackMethod: params.method('StatusCallbackMethod', 'POST'),
      statusCallbackEvents: params.list('StatusCallbackEvent') as CallEvent[] | undefined,
    },
    twiml ? { twiml } : { url: url!, method: params.method('Method', 'POST') },
  );
  return { status: 201, body: formatCall(call, dates) };
}

function fetchCall({ engine, path, dates }: RouteContext) {
  return { status: 200, body: formatCall(engine.requireCall(path.callSid), dates) };
}

function listCalls({ engine, params, listPath, dates }: RouteContext) {
  const filters: Record<string, string> = {};
  for (const name of ['ParentCallSid', 'Status', 'To', 'From']) {
    const v = params.str(name);
    if (v !== undefined) filters[name] = v;
  }
  const calls = [...engine.store.calls.values()]
    .reverse()
    .filter(
      (c) =>
        (filters.ParentCallSid === undefined || c.parentCallSid === filters.ParentCallSid) &&
        (filters.Status === undefined || c.status === filters.Status) &&
        (filters.To === undefined || c.to === filters.To) &&
        (filters.From === undefined || c.from === filters.From),
    );
  return { status: 200, body: page('calls', listPath, calls, (c) => formatCall(c, dates), { ...params.paging(), filters }) };
}

/**
 * Update: Url+Method or Twiml redirect the call; Status=completed hangs it up, Status=canceled
 * cancels a queued or ringing call. "Redirecting a finished call is HTTP 400, code 21220."
 */
function updateCall({ engine, path, params, dates }: RouteContext) {
  const call = engine.requireCall(path.callSid);
  const url = params.str('Url');
  const twiml = inlineTwiml(params);
  const status = params.str('Status');
  if (url && twiml) throw new TwilioApiError(400, 20001, 'Url and Twiml cannot both be given');
  if (status === 'completed' || status === 'canceled') {
    engine.hangupByApi(call.sid, status);
  } else if (url || twiml) {
    engine.redirect(call.sid, twiml ? { twiml } : { url: url!, method: params.method('Method', 'POST') });
  }
  const sc = params.str('StatusCallback');
  if (sc !== undefined) call.statusCallback = sc;
  return { status: 200, body: formatCall(call, dates) };
}

export const callRoutes: Route[] = [
  { method: 'POST', pattern: /^\/Calls\.json$/, handle: createCall },
  { method: 'GET', pattern: /^\/Calls\.json$/, handle: listCalls },
  { method: 'GET', pattern: /^\/Calls\/(?<callSid>[^/]+)\.json$/, handle: fetchCall },
  { method: 'POST', pattern: /^\/Calls\/(?<callSid>[^/]+)\.json$/, handle: updateCall },
];
