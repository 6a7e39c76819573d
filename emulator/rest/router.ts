// The REST face: /2010-04-01/Accounts/{AccountSid}/... Basic auth (account SID + auth token),
// faults, the OpenAPI request check, then one route module per resource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine';
import { TwilioApiError } from '../engine/errors';
import { validateRestRequest } from '../openapi/validate';
import { validateRestResponse } from '../openapi/validate-response';
import { errorBody } from './error-body';
import { type RawParams, Params, decodeParams, readBody } from './params';
import type { Route } from './route';
import { callRoutes } from './routes/calls';
import { conferenceRoutes } from './routes/conferences';
import { memberRoutes } from './routes/members';
import { participantRoutes } from './routes/participants';
import { queueRoutes } from './routes/queues';

const ROUTES: Route[] = [...callRoutes, ...conferenceRoutes, ...participantRoutes, ...queueRoutes, ...memberRoutes];
const PREFIX = /^\/2010-04-01\/Accounts\/(?<account>[^/]+)(?<rest>\/.*)$/;

export function isRestPath(pathname: string): boolean {
  return pathname.startsWith('/2010-04-01/');
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204) {
    res.writeHead(204).end();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) }).end(json);
}

export function authorized(engine: Engine, header: string | undefined): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  return user === engine.accountSid && rest.join(':') === engine.options.authToken;
}

export async function handleRest(engine: Engine, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const body = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
  const raw: RawParams = method === 'POST' ? decodeParams(body) : decodeParams(url.search.slice(1));
  const result = await respond(engine, req, method, url.pathname, raw, url);
  if (engine.options.validateResponses) checkResponse(engine, method, url.pathname, result);
  // Twilio's responses carry Twilio's time in Date, as every HTTP server's do: here the virtual clock's.
  res.setHeader('Date', new Date(engine.clock.epochMs + engine.clock.now()).toUTCString());
  send(res, result.status, result.body);
}

/** The test-time check that what the functions read is what Twilio would send. */
function checkResponse(engine: Engine, method: string, pathname: string, result: { status: number; body?: unknown }): void {
  // The body as the client will parse it (undefined fields dropped, as JSON.stringify does).
  const body = result.body === undefined ? undefined : (JSON.parse(JSON.stringify(result.body)) as unknown);
  const problems = validateRestResponse(method, pathname, result.status, body);
  if (problems.length === 0) return;
  engine.responseViolations.push({ method, path: pathname, status: result.status, problems });
  engine.log.add('error', `response of ${method} ${pathname} (${result.status}) does not match Twilio's schema: ${problems.join('; ')}`);
}

/**
 * What every request meets after its credentials, in both APIs: an injected fault (latency, then a
 * status with Twilio's code for it), then the OpenAPI check of its parameters. `onlyNamedPaths`:
 * only faults whose path names the request apply (Sync, so that Voice API fault counts never shift).
 */
export async function faultOrInvalid(
  engine: Engine,
  method: string,
  pathname: string,
  raw: RawParams,
  onlyNamedPaths = false,
): Promise<{ status: number; code: number; message: string } | undefined> {
  const fault = engine.faults.takeRest(method, pathname, onlyNamedPaths);
  if (fault?.latencyMs) await delay(fault.latencyMs);
  if (fault?.status) {
    const code = fault.status === 429 ? 20429 : fault.status === 503 ? 20503 : 20500;
    return { status: fault.status, code, message: fault.status === 429 ? 'Too Many Requests' : 'Injected fault' };
  }
  const check = validateRestRequest(method, pathname, raw);
  return check.ok ? undefined : check;
}

async function respond(
  engine: Engine,
  req: IncomingMessage,
  method: string,
  pathname: string,
  raw: RawParams,
  url: URL,
): Promise<{ status: number; body?: unknown }> {
  const fail = (status: number, code: number, message: string) => {
    engine.log.add('rest', `${method} ${pathname} -> ${status} (${code})`, undefined, { code, message });
    return { status, body: errorBody(status, code, message) };
  };
  if (!authorized(engine, req.headers.authorization)) return fail(401, 20003, 'Authentication Error - invalid username');
  const m = PREFIX.exec(pathname);
  if (!m?.groups) return fail(404, 20404, `The requested resource ${pathname} was not found`);
  if (m.groups.account !== engine.accountSid) return fail(401, 20003, 'Authentication Error - the account in the path is not yours');

  const refusal = await faultOrInvalid(engine, method, pathname, raw);
  if (refusal) return fail(refusal.status, refusal.code, refusal.message);

  const rest = m.groups.rest;
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(rest);
    if (!match) continue;
    const path: Record<string, string> = {};
    for (const [k, v] of Object.entries(match.groups ?? {})) path[k] = decodeURIComponent(v);
    try {
      const result = route.handle({
        engine,
        path,
        params: new Params(raw),
        listPath: url.pathname,
        dates: { epochMs: engine.clock.epochMs, now: engine.clock.now() },
      });
      engine.log.add(
        'rest',
        `${method} ${pathname} -> ${result.status}`,
        path.callSid ?? path.participant,
        Object.keys(raw).length ? { params: raw } : undefined,
      );
      return result;
    } catch (e) {
      if (e instanceof TwilioApiError) return fail(e.status, e.code, e.message);
      throw e;
    }
  }
  return fail(404, 20404, `The requested resource ${pathname} was not found`);
}

/** Injected REST latency is real time: the SDK on the other side waits on a real socket. */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
