// Sync v1: Services (create, fetch, list), Maps (create, fetch, list, delete) and Map Items
// (create, fetch, update with If-Match, delete, list with paging), with ItemTtl / CollectionTtl.
import type { Engine } from '../../engine/engine';
import type { SyncMap } from '../../engine/sync-store';
import { TwilioApiError } from '../../engine/errors';
import { type Dates, formatSyncMap, formatSyncMapItem, formatSyncService, syncPage } from '../format';
import type { Params } from '../params';
import type { RouteResult } from '../route';

export interface SyncRouteContext {
  engine: Engine;
  path: Record<string, string>;
  params: Params;
  /** The If-Match header, if any. */
  ifMatch?: string;
  /** The emulator's own origin, for absolute URLs. */
  base: string;
  /** The absolute URL of the request without its query, for paging links. */
  listUrl: string;
  dates: Dates;
}

export interface SyncRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Matched against the path after /v1. */
  pattern: RegExp;
  handle(ctx: SyncRouteContext): RouteResult;
}

/** Data was checked to be a JSON object by the OpenAPI check (openapi/validate.ts). */
function data(params: Params): Record<string, unknown> | undefined {
  const text = params.str('Data');
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

/** ItemTtl, or its alias Ttl: "If both parameters are provided, this value [Ttl] is ignored". */
function ttl(params: Params, name: 'ItemTtl' | 'CollectionTtl'): number | undefined {
  return params.int(name) ?? params.int('Ttl');
}

function mapOf({ engine, path }: SyncRouteContext): SyncMap {
  return engine.sync.requireMap(path.serviceSid, path.mapSid);
}

const sid = (ctx: SyncRouteContext) => ctx.engine.accountSid;

export const syncRoutes: SyncRoute[] = [
  {
    method: 'POST',
    pattern: /^\/Services$/,
    handle: (ctx) => ({
      status: 201,
      body: formatSyncService(ctx.engine.sync.createService(ctx.params.str('FriendlyName')), ctx.dates, ctx.base),
    }),
  },
  {
    method: 'GET',
    pattern: /^\/Services$/,
    handle: (ctx) => ({
      status: 200,
      body: syncPage('services', ctx.listUrl, [...ctx.engine.sync.services.values()], (s) => formatSyncService(s, ctx.dates, ctx.base), {
        ...paging(ctx.params),
        filters: {},
      }),
    }),
  },
  {
    method: 'GET',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)$/,
    handle: (ctx) => ({ status: 200, body: formatSyncService(ctx.engine.sync.requireService(ctx.path.serviceSid), ctx.dates, ctx.base) }),
  },
  {
    method: 'POST',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)\/Maps$/,
    handle: (ctx) => {
      const map = ctx.engine.sync.createMap(ctx.path.serviceSid, ctx.params.str('UniqueName'), {
        ttlSeconds: ttl(ctx.params, 'CollectionTtl'),
      });
      return { status: 201, body: formatSyncMap(map, sid(ctx), ctx.dates, ctx.base) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)\/Maps$/,
    handle: (ctx) => ({
      status: 200,
      body: syncPage(
        'maps',
        ctx.listUrl,
        ctx.engine.sync.listMaps(ctx.path.serviceSid),
        (m) => formatSyncMap(m, sid(ctx), ctx.dates, ctx.base),
        { ...paging(ctx.params), filters: {} },
      ),
    }),
  },
  {
    method: 'GET',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)\/Maps\/(?<mapSid>[^/]+)$/,
    handle: (ctx) => ({ status: 200, body: formatSyncMap(mapOf(ctx), sid(ctx), ctx.dates, ctx.base) }),
  },
  {
    method: 'DELETE',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)\/Maps\/(?<mapSid>[^/]+)$/,
    handle: (ctx) => {
      ctx.engine.sync.deleteMap(ctx.path.serviceSid, ctx.path.mapSid);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)\/Maps\/(?<mapSid>[^/]+)\/Items$/,
    handle: (ctx) => {
      const map = mapOf(ctx);
      const item = ctx.engine.sync.createItem(map, ctx.params.required('Key'), data(ctx.params) ?? {}, {
        ttlSeconds: ttl(ctx.params, 'ItemTtl'),
      });
      return { status: 201, body: formatSyncMapItem(map, item, sid(ctx), ctx.dates, ctx.base) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)\/Maps\/(?<mapSid>[^/]+)\/Items$/,
    handle: (ctx) => {
      const map = mapOf(ctx);
      const order = ctx.params.str('Order') === 'desc' ? 'desc' : 'asc';
      if (ctx.params.has('From') || ctx.params.has('Bounds')) {
        throw new TwilioApiError(400, 20001, 'From and Bounds are not emulated');
      }
      const filters: Record<string, string> = ctx.params.has('Order') ? { Order: order } : {};
      return {
        status: 200,
        body: syncPage(
          'items',
          ctx.listUrl,
          ctx.engine.sync.listItems(map, order),
          (item) => formatSyncMapItem(map, item, sid(ctx), ctx.dates, ctx.base),
          { ...paging(ctx.params), filters },
        ),
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)\/Maps\/(?<mapSid>[^/]+)\/Items\/(?<key>[^/]+)$/,
    handle: (ctx) => {
      const map = mapOf(ctx);
      return { status: 200, body: formatSyncMapItem(map, ctx.engine.sync.requireItem(map, ctx.path.key), sid(ctx), ctx.dates, ctx.base) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)\/Maps\/(?<mapSid>[^/]+)\/Items\/(?<key>[^/]+)$/,
    handle: (ctx) => {
      const map = mapOf(ctx);
      const item = ctx.engine.sync.updateItem(map, ctx.path.key, {
        data: data(ctx.params),
        ifMatch: ctx.ifMatch,
        ttlSeconds: ttl(ctx.params, 'ItemTtl'),
      });
      return { status: 200, body: formatSyncMapItem(map, item, sid(ctx), ctx.dates, ctx.base) };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/Services\/(?<serviceSid>[^/]+)\/Maps\/(?<mapSid>[^/]+)\/Items\/(?<key>[^/]+)$/,
    handle: (ctx) => {
      ctx.engine.sync.deleteItem(mapOf(ctx), ctx.path.key, ctx.ifMatch);
      return { status: 204 };
    },
  },
];

/** Sync's PageSize is 1 to 100 (the OpenAPI description), default 50. */
function paging(params: Params): { page: number; pageSize: number } {
  return { page: Math.max(0, params.int('Page') ?? 0), pageSize: Math.min(100, Math.max(1, params.int('PageSize') ?? 50)) };
}
