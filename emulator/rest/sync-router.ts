// The Sync face: /v1/Services/... as served by sync.twilio.com. Same Basic auth and error body as
// the Voice API (router.ts), then faults that name a Sync path, the OpenAPI request check against
// twilio_sync_v1.subset.json, and the routes in routes/sync.ts. Logged as `sync`, apart from the
// Voice API's `rest` entries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine';
import { TwilioApiError } from '../engine/errors';
import { errorBody } from './error-body';
import { Params, type RawParams, decodeParams, readBody } from './params';
import type { RouteResult } from './route';
import { authorized, faultOrInvalid, send } from './router';
import { syncRoutes } from './routes/sync';

export function isSyncPath(pathname: string): boolean {
  return pathname === '/v1/Services' || pathname.startsWith('/v1/Services/');
}

export async function handleSync(engine: Engine, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const body = method === 'POST' ? await readBody(req) : '';
  const raw: RawParams = method === 'POST' ? decodeParams(body) : decodeParams(url.search.slice(1));
  const result = await respond(engine, req, method, url, raw);
  send(res, result.status, result.body);
}

async function respond(engine: Engine, req: IncomingMessage, method: string, url: URL, raw: RawParams): Promise<RouteResult> {
  const pathname = url.pathname;
  const fail = (status: number, code: number, message: string): RouteResult => {
    engine.log.add('sync', `${method} ${pathname} -> ${status} (${code})`, undefined, { code, message });
    return { status, body: errorBody(status, code, message) };
  };
  if (!authorized(engine, req.headers.authorization)) return fail(401, 20003, 'Authentication Error - invalid username');

  const refusal = await faultOrInvalid(engine, method, pathname, raw, true);
  if (refusal) return fail(refusal.status, refusal.code, refusal.message);

  const rest = pathname.slice('/v1'.length);
  const base = `http://${req.headers.host ?? 'localhost'}`;
  const ifMatch = req.headers['if-match'];
  for (const route of syncRoutes) {
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
        base,
        listUrl: `${base}${pathname}`,
        ifMatch: typeof ifMatch === 'string' ? ifMatch : undefined,
        dates: { epochMs: engine.clock.epochMs, now: engine.clock.now() },
      });
      engine.log.add('sync', `${method} ${pathname} -> ${result.status}`, undefined, Object.keys(raw).length ? { params: raw } : undefined);
      return result;
    } catch (e) {
      if (e instanceof TwilioApiError) return fail(e.status, e.code, e.message);
      throw e;
    }
  }
  return fail(404, 20404, `The requested resource ${pathname} was not found`);
}
