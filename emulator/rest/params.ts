// Decoded form/query parameters, read once into typed values. Shapes were already checked
// against Twilio's OpenAPI description (openapi/validate.ts) before a route sees them.
import type { IncomingMessage } from 'node:http';
import { TwilioApiError } from '../engine/errors';
import type { HttpMethod } from '../twiml/types';

export type RawParams = Record<string, string | string[]>;

export function decodeParams(encoded: string): RawParams {
  const out: RawParams = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * The request body as UTF-8. Plain 'data'/'end' listeners rather than `for await (... of req)`:
 * the stream's async iterator costs an end-of-stream watcher, several listeners and a promise per
 * chunk, which showed up in the HTTP benchmark's profile (about 1% of the emulator's CPU).
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export class Params {
  constructor(readonly raw: RawParams) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  str(name: string): string | undefined {
    const v = this.raw[name];
    return Array.isArray(v) ? v[v.length - 1] : v;
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined || v === '') throw new TwilioApiError(400, 21201, `Missing required parameter ${name}`);
    return v;
  }

  list(name: string): string[] | undefined {
    const v = this.raw[name];
    if (v === undefined) return undefined;
    return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(/\s+/)).filter(Boolean);
  }

  bool(name: string): boolean | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    return v.toLowerCase() === 'true';
  }

  int(name: string): number | undefined {
    const v = this.str(name);
    return v === undefined || v === '' ? undefined : Number(v);
  }

  method(name: string, fallback: HttpMethod): HttpMethod {
    return this.str(name)?.toUpperCase() === 'GET' ? 'GET' : this.str(name)?.toUpperCase() === 'POST' ? 'POST' : fallback;
  }

  /** Paging of list requests: PageSize default 50 (max 1000), Page default 0. */
  paging(): { page: number; pageSize: number } {
    return { page: Math.max(0, this.int('Page') ?? 0), pageSize: Math.min(1000, Math.max(1, this.int('PageSize') ?? 50)) };
  }
}
