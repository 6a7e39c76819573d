// The one formatter from model entities to Twilio's wire JSON (2010-04-01 API): snake_case
// fields, RFC 2822 dates, `uri`, and the paging envelope of list responses. Exactly the fields of
// Twilio's OpenAPI response schemas (openapi/twilio_api_v2010.subset.json), no more, no fewer:
// the emulator's own tests check every response against them (openapi/validate-response.ts).
import { type Call, callDurationSec } from '../model/call';
import type { Conference, Participant } from '../model/conference';
import { type Member, type Queue, averageWaitSec } from '../model/queue';

export interface Dates { epochMs: number; now: number }

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
    queue_time: '0',
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
    queue_time: null,
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
export function page<T>(key: string, path: string, items: T[], format: (item: T) => Record<string, unknown>,
  query: { page: number; pageSize: number; filters: Record<string, string> }): Record<string, unknown> {
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
