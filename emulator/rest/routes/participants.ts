// /Conferences/{ConferenceSid}/Participants: create (by CF SID or FRIENDLY NAME), fetch, update
// and delete (by call SID or label), list (live participants only).
import type { ParticipantChanges } from '../../engine/conferences';
import type { CallEvent } from '../../twiml/types';
import { formatParticipant, page } from '../format';
import type { Route, RouteContext } from '../route';

function createParticipant({ engine, path, params, dates }: RouteContext) {
  const p = engine.conferences.createParticipant(path.conferenceSid, {
    from: params.required('From'),
    to: params.required('To'),
    label: params.str('Label'),
    // Timeout 5-600 s, default 60 (Participant resource docs).
    timeoutSec: params.int('Timeout') ?? 60,
    statusCallback: params.str('StatusCallback'),
    statusCallbackMethod: params.method('StatusCallbackMethod', 'POST'),
    statusCallbackEvents: (params.list('StatusCallbackEvent') as CallEvent[] | undefined) ?? ['completed'],
    startConferenceOnEnter: params.bool('StartConferenceOnEnter') ?? true,
    endConferenceOnExit: params.bool('EndConferenceOnExit') ?? false,
    muted: params.bool('Muted') ?? false,
    beep: params.str('Beep') ?? 'true',
    hold: params.bool('Hold') ?? false,
    holdUrl: params.str('HoldUrl'),
    holdMethod: params.method('HoldMethod', 'GET'),
    waitUrl: params.str('WaitUrl'),
    waitMethod: params.method('WaitMethod', 'POST'),
    coaching: params.bool('Coaching') ?? false,
    callSidToCoach: params.str('CallSidToCoach'),
    conferenceStatusCallback: params.str('ConferenceStatusCallback'),
    conferenceStatusCallbackMethod: params.method('ConferenceStatusCallbackMethod', 'POST'),
    // Default conference events: start end (Participant resource docs).
    conferenceStatusCallbackEvents: params.list('ConferenceStatusCallbackEvent') ?? ['start', 'end'],
  });
  return { status: 201, body: formatParticipant(p, dates) };
}

function fetchParticipant({ engine, path, dates }: RouteContext) {
  return { status: 200, body: formatParticipant(engine.conferences.requireParticipant(path.conferenceSid, path.participant), dates) };
}

function updateParticipant({ engine, path, params, dates }: RouteContext) {
  const changes: ParticipantChanges = {
    hold: params.bool('Hold'),
    holdUrl: params.str('HoldUrl'),
    holdMethod: params.has('HoldMethod') ? params.method('HoldMethod', 'GET') : undefined,
    muted: params.bool('Muted'),
    endConferenceOnExit: params.bool('EndConferenceOnExit'),
    coaching: params.bool('Coaching'),
    callSidToCoach: params.str('CallSidToCoach'),
    waitUrl: params.str('WaitUrl'),
    waitMethod: params.has('WaitMethod') ? params.method('WaitMethod', 'POST') : undefined,
    announceUrl: params.str('AnnounceUrl'),
    announceMethod: params.has('AnnounceMethod') ? params.method('AnnounceMethod', 'POST') : undefined,
  };
  const p = engine.conferences.updateParticipant(path.conferenceSid, path.participant, changes);
  return { status: 200, body: formatParticipant(p, dates) };
}

function deleteParticipant({ engine, path }: RouteContext) {
  engine.conferences.removeParticipant(path.conferenceSid, path.participant);
  return { status: 204 };
}

function listParticipants({ engine, path, params, listPath, dates }: RouteContext) {
  const conf = engine.conferences.requireConference(path.conferenceSid);
  const filters: Record<string, string> = {};
  for (const name of ['Muted', 'Hold', 'Coaching']) {
    const v = params.str(name);
    if (v !== undefined) filters[name] = v;
  }
  const live = [...conf.participants.values()].filter(
    (p) =>
      (filters.Muted === undefined || String(p.muted) === filters.Muted) &&
      (filters.Hold === undefined || String(p.hold) === filters.Hold) &&
      (filters.Coaching === undefined || String(p.coaching) === filters.Coaching),
  );
  return { status: 200, body: page('participants', listPath, live, (p) => formatParticipant(p, dates), { ...params.paging(), filters }) };
}

const one = /^\/Conferences\/(?<conferenceSid>[^/]+)\/Participants\/(?<participant>[^/]+)\.json$/;
const all = /^\/Conferences\/(?<conferenceSid>[^/]+)\/Participants\.json$/;

export const participantRoutes: Route[] = [
  { method: 'POST', pattern: all, handle: createParticipant },
  { method: 'GET', pattern: all, handle: listParticipants },
  { method: 'GET', pattern: one, handle: fetchParticipant },
  { method: 'POST', pattern: one, handle: updateParticipant },
  { method: 'DELETE', pattern: one, handle: deleteParticipant },
];
