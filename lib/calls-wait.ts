// GET /calls?wait=S with If-None-Match: a long poll, so that an open console costs one invocation
// per WAIT instead of one per refresh. The ETag names what the list depends on: the calls map's
// revision (which moves with each write of an item), the first expiry among its items (an expired
// item leaves the list without a write), and when it was issued (a list older than MAX_ETAG_AGE is
// read again whatever the revision says, in case a change did not move it). Cost and freshness:
// docs/console.md, "What refreshing costs".
import { badInput } from './platform/failure';
import type { FunctionEvent } from './platform/env';

/**
 * The longest wait a client may ask for. A Function is stopped at 10 s: the last check starts at
 * most WAIT - CHECK_EVERY_MS into the invocation, so a change it finds is listed with the rest of
 * the 8 s REST budget (lib/platform/twilio-request.ts), and an unchanged list answers at WAIT.
 */
export const MAX_WAIT_SECONDS = 8;
/** How often a waiting request looks at the revision: a change shows within this (plus a round trip). */
export const CHECK_EVERY_MS = 2000;
/** A list is read again at least this often, whatever the revision says. */
export const MAX_ETAG_AGE_SECONDS = 300;

export interface ListVersion {
  /** The calls map's revision; null when no call was ever recorded (no map). */
  revision: string | null;
  /** Epoch seconds at which the first item expires; null when none does. */
  nextExpiry: number | null;
  /** Epoch seconds at which this version was read. */
  issuedAt: number;
}

const REVISION = /^[A-Za-z0-9_-]{1,40}$/;
const ETAG = /^"(-|[A-Za-z0-9_-]{1,40})\.(-|\d{1,12})\.(\d{1,12})"$/;

export function etagOf(version: ListVersion): string {
  const revision = version.revision !== null && REVISION.test(version.revision) ? version.revision : '-';
  return `"${revision}.${version.nextExpiry ?? '-'}.${version.issuedAt}"`;
}

/** A client's If-None-Match as the version it has; undefined when absent or not one of ours. */
export function parseEtag(header: unknown): ListVersion | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return undefined;
  const match = ETAG.exec(value.trim());
  if (!match) return undefined;
  return {
    revision: match[1] === '-' ? null : match[1],
    nextExpiry: match[2] === '-' ? null : Number(match[2]),
    issuedAt: Number(match[3]),
  };
}

/** Whether the list the client has is still the list, given the map's revision now. */
export function stillCurrent(held: ListVersion, revisionNow: string | null, nowSeconds: number): boolean {
  if (held.revision !== revisionNow) return false;
  if (held.nextExpiry !== null && nowSeconds >= held.nextExpiry) return false;
  return nowSeconds - held.issuedAt < MAX_ETAG_AGE_SECONDS && held.issuedAt <= nowSeconds + 60;
}

/** `wait`: whole seconds, 0 to MAX_WAIT_SECONDS; absent = 0 (answer at once). */
export function parseWait(event: FunctionEvent): number {
  const raw = event.wait;
  if (raw === undefined || raw === '') return 0;
  if (typeof raw !== 'string' || !/^\d{1,2}$/.test(raw) || Number(raw) > MAX_WAIT_SECONDS) {
    throw badInput(`wait must be whole seconds from 0 to ${MAX_WAIT_SECONDS}`);
  }
  return Number(raw);
}

export interface WaitDeps {
  /** The calls map's revision now (one Sync request). */
  revision: () => Promise<string | null>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Waits up to `waitSeconds` for the list the client holds to change, looking every CHECK_EVERY_MS.
 * Changed: read the list now (`revision` is the one seen); unchanged: answer 304 (the client asks again at once).
 */
export async function waitForChange(
  held: ListVersion,
  waitSeconds: number,
  deps: WaitDeps,
): Promise<{ changed: true; revision: string | null } | { changed: false }> {
  const end = deps.now() + waitSeconds * 1000;
  for (;;) {
    const revision = await deps.revision();
    if (!stillCurrent(held, revision, Math.floor(deps.now() / 1000))) return { changed: true, revision };
    const next = deps.now() + CHECK_EVERY_MS;
    // No check after the wait ends: its change is seen by the client's next request at once.
    if (next >= end) {
      await deps.sleep(Math.max(0, end - deps.now()));
      return { changed: false };
    }
    await deps.sleep(next - deps.now());
  }
}
