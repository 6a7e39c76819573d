// What every REST route module exports: routes matched by method and path.
import type { Engine } from '../engine/engine';
import type { Dates } from './format';
import type { Params } from './params';

export interface RouteContext {
  engine: Engine;
  /** Named path segments, percent-decoded. */
  path: Record<string, string>;
  params: Params;
  /** The list URI of the request (no query), for paging links. */
  listPath: string;
  dates: Dates;
}

export interface RouteResult {
  status: number;
  body?: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Matched against the path after /2010-04-01/Accounts/{AccountSid}. */
  pattern: RegExp;
  handle(ctx: RouteContext): RouteResult;
}
