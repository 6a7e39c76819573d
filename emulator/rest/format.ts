// The one formatter from model entities to Twilio's wire JSON (2010-04-01 API): snake_case
// fields, RFC 2822 dates, `uri`, and the paging envelope of list responses. Exactly the fields of
// Twilio's OpenAPI response schemas (openapi/twilio_api_v2010.subset.json), no more, no fewer:
// the emulator's own tests check every response against them (openapi/validate-response.ts).
import { type Call, callDurationSec } from '../model/call';
import type { Conference, Participant } from '../model/conference';
import { type Member, type Queue, averageWaitSec } from '../model/queue';
import type { SyncMap, SyncMapItem, SyncService } from '../engine/sync-store';

export interface Dates {
  epochMs: number;
  now: number;
}

/** RFC 2822, as Twilio writes it: "Tue, 31 Aug 2010 20:36:28 +0000". */
export function rfc2822(d: Dates, clockMs: number | undefined): string | null {
  if (clockMs === undefined) return null;
  const at = d.epochMs + clockMs;
  // Consecutive calls mostly format the same instant (date_created/date_updated, and on the
  // virtual clock many requests in the same ms), so the last result is kept: a Date plus
  // toUTCString per field showed in the HTTP benchmark's profile.
  if (at !== lastAt) {
    lastAt = at;
    lastText = new Date(at).toUTCString().replace('GMT', '+0000');
  }
  return lastText;
}
let lastAt = NaN;
let lastText = '';

const accountBase = (accountSid: string): string => `/2010-04-01/Accounts/${accountSid}`;

export function formatCall(c: Call, d: Dates): Record<string, unknown> {
  const uri = `${accountBase(c.accountSid)}/Calls/${c.sid}.json`;
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    parent_call_sid: c.parentCallSid ?? null,
    date_created: rfc2822(d, c.createdAt),
    date_updated: rfc2822(d, c.updatedAt),
    to: c.to,
    to_formatted: c.to,
    from: c.from,
    from_formatted: c.from,
    phone_number_sid: null,
    status: c.status,
    start_time: rfc2822(d, c.startedAt),
    end_time: rfc2822(d, c.endedAt),
    duration: c.endedAt !== undefined ? String(callDurationSec(c, d.now)) : null,
    price: null,
    price_unit: 'USD',
    direction: c.direction,
    answered_by: null,
    api_version: '2010-04-01',
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: String(c.queueTimeMs ?? 0),
    trunk_sid: null,
    uri,
    subresource_uris: {
      notifications: uri.replace('.json', '/Notifications.json'),
      recordings: uri.replace('.json', '/Recordings.json'),
      events: uri.replace('.json', '/Events.json'),
    },
  };
}

export function formatConference(c: Conference, d: Dates): Record<string, unknown> {
  const uri = `${accountBase(c.accountSid)}/Conferences/${c.sid}.json`;
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    friendly_name: c.friendlyName,
    status: c.status,
    date_created: rfc2822(d, c.createdAt),
    date_updated: rfc2822(d, c.updatedAt),
    api_version: '2010-04-01',
    region: 'us1',
    reason_conference_ended: c.reasonEnded ?? null,
    call_sid_ending_conference: c.callSidEndingConference ?? null,
    uri,
    subresource_uris: {
      participants: uri.replace('.json', '/Participants.json'),
      recordings: uri.replace('.json', '/Recordings.json'),
    },
  };
}

export function formatParticipant(p: Participant, d: Dates): Record<string, unknown> {
  return {
    account_sid: p.accountSid,
    call_sid: p.callSid,
    label: p.label ?? null,
    call_sid_to_coach: p.callSidToCoach ?? null,
    coaching: p.coaching,
    conference_sid: p.conferenceSid,
    date_created: rfc2822(d, p.createdAt),
    date_updated: rfc2822(d, p.updatedAt),
    end_conference_on_exit: p.endConferenceOnExit,
    muted: p.muted,
    hold: p.hold,
    start_conference_on_enter: p.startConferenceOnEnter,
    status: p.status,
    queue_time: p.queueTimeMs === undefined ? null : String(p.queueTimeMs),
    uri: `${accountBase(p.accountSid)}/Conferences/${p.conferenceSid}/Participants/${p.callSid}.json`,
  };
}

export function formatQueue(q: Queue, d: Dates): Record<string, unknown> {
  return {
    sid: q.sid,
    account_sid: q.accountSid,
    friendly_name: q.friendlyName,
    current_size: q.members.length,
    max_size: q.maxSize,
    average_wait_time: averageWaitSec(q),
    date_created: rfc2822(d, q.createdAt),
    date_updated: rfc2822(d, q.updatedAt),
    uri: `${accountBase(q.accountSid)}/Queues/${q.sid}.json`,
  };
}

export function formatMember(q: Queue, m: Member, d: Dates): Record<string, unknown> {
  return {
    call_sid: m.callSid,
    queue_sid: q.sid,
    date_enqueued: rfc2822(d, m.enqueuedAt),
    position: q.members.indexOf(m) + 1,
    wait_time: Math.floor((d.now - m.enqueuedAt) / 1000),
    uri: `${accountBase(q.accountSid)}/Queues/${q.sid}/Members/${m.callSid}.json`,
  };
}

/**
 * A list response: `key` holds the page; the paging fields are those of the 2010-04-01 API.
 * `path` is the list URI without query; `filters` are the query parameters to keep in page links.
 */
export function page<T>(
  key: string,
  path: string,
  items: T[],
  format: (item: T) => Record<string, unknown>,
  query: { page: number; pageSize: number; filters: Record<string, string> },
): Record<string, unknown> {
  const { page: n, pageSize } = query;
  const start = n * pageSize;
  const slice = items.slice(start, start + pageSize);
  const link = (p: number): string => {
    const qs = new URLSearchParams({ ...query.filters, PageSize: String(pageSize), Page: String(p) });
    return `${path}?${qs.toString()}`;
  };
  return {
    [key]: slice.map(format),
    first_page_uri: link(0),
    next_page_uri: start + pageSize < items.length ? link(n + 1) : null,
    previous_page_uri: n > 0 ? link(n - 1) : null,
    page: n,
    page_size: pageSize,
    start,
    end: start + Math.max(slice.length - 1, 0),
    uri: link(n),
  };
}

// ---- Sync (v1): ISO 8601 dates, absolute `url`s, and the `meta` paging envelope ------------------

/** ISO 8601 without milliseconds, as Sync writes it: "2015-07-30T20:00:00Z". */
export function iso8601(d: Dates, clockMs: number | null): string | null {
  if (clockMs === null) return null;
  return new Date(d.epochMs + clockMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `base` is the emulator's own origin: Sync's URLs are absolute and the SDK follows them. */
export function formatSyncService(s: SyncService, d: Dates, base: string): Record<string, unknown> {
  const url = `${base}/v1/Services/${s.sid}`;
  return {
    sid: s.sid,
    unique_name: s.uniqueName,
    account_sid: s.accountSid,
    friendly_name: s.friendlyName,
    date_created: iso8601(d, s.createdAt),
    date_updated: iso8601(d, s.updatedAt),
    url,
    webhook_url: null,
    webhooks_from_rest_enabled: false,
    reachability_webhooks_enabled: false,
    acl_enabled: false,
    reachability_debouncing_enabled: false,
    reachability_debouncing_window: 5000,
    links: { documents: `${url}/Documents`, lists: `${url}/Lists`, maps: `${url}/Maps`, streams: `${url}/Streams` },
  };
}

export function formatSyncMap(m: SyncMap, accountSid: string, d: Dates, base: string): Record<string, unknown> {
  const url = `${base}/v1/Services/${m.serviceSid}/Maps/${m.sid}`;
  return {
    sid: m.sid,
    unique_name: m.uniqueName,
    account_sid: accountSid,
    service_sid: m.serviceSid,
    url,
    links: { items: `${url}/Items`, permissions: `${url}/Permissions` },
    revision: String(m.revision),
    date_expires: iso8601(d, m.expiresAt),
    date_created: iso8601(d, m.createdAt),
    date_updated: iso8601(d, m.updatedAt),
    created_by: 'system',
  };
}

export function formatSyncMapItem(m: SyncMap, item: SyncMapItem, accountSid: string, d: Dates, base: string): Record<string, unknown> {
  return {
    key: item.key,
    account_sid: accountSid,
    service_sid: m.serviceSid,
    map_sid: m.sid,
    url: `${base}/v1/Services/${m.serviceSid}/Maps/${m.sid}/Items/${encodeURIComponent(item.key)}`,
    revision: String(item.revision),
    data: item.data,
    date_expires: iso8601(d, item.expiresAt),
    date_created: iso8601(d, item.createdAt),
    date_updated: iso8601(d, item.updatedAt),
    created_by: 'system',
  };
}

/**
 * A Sync list response: `key` holds the page, `meta` the paging links (absolute URLs that the SDK
 * requests as they are). The page is carried in Page and PageToken, as Twilio's links do.
 */
export function syncPage<T>(
  key: string,
  url: string,
  items: T[],
  format: (item: T) => Record<string, unknown>,
  query: { page: number; pageSize: number; filters: Record<string, string> },
): Record<string, unknown> {
  const { page: n, pageSize } = query;
  const start = n * pageSize;
  const link = (p: number): string => {
    const qs = new URLSearchParams({
      ...query.filters,
      PageSize: String(pageSize),
      Page: String(p),
      ...(p > 0 ? { PageToken: `PT${p}` } : {}),
    });
    return `${url}?${qs.toString()}`;
  };
  return {
    [key]: items.slice(start, start + pageSize).map(format),
    meta: {
      page: n,
      page_size: pageSize,
      first_page_url: link(0),
      previous_page_url: n > 0 ? link(n - 1) : null,
      url: link(n),
      next_page_url: start + pageSize < items.length ? link(n + 1) : null,
      key,
    },
  };
}
