// /Conferences: list (FriendlyName, Status filters), fetch, update (Status=completed, AnnounceUrl).
import { formatConference, page } from '../format';
import type { Route, RouteContext } from '../route';

function listConferences({ engine, params, listPath, dates }: RouteContext) {
  const filters: Record<string, string> = {};
  for (const name of ['FriendlyName', 'Status']) {
    const v = params.str(name);
    if (v !== undefined) filters[name] = v;
  }
  const confs = [...engine.store.conferences.values()]
    .reverse()
    .filter(
      (c) =>
        (filters.FriendlyName === undefined || c.friendlyName === filters.FriendlyName) &&
        (filters.Status === undefined || c.status === filters.Status),
    );
  return { status: 200, body: page('conferences', listPath, confs, (c) => formatConference(c, dates), { ...params.paging(), filters }) };
}

function fetchConference({ engine, path, dates }: RouteContext) {
  return { status: 200, body: formatConference(engine.conferences.requireConference(path.conferenceSid), dates) };
}

function updateConference({ engine, path, params, dates }: RouteContext) {
  const conf =
    params.str('Status') === 'completed'
      ? engine.conferences.endByApi(path.conferenceSid)
      : engine.conferences.requireConference(path.conferenceSid);
  const announce = params.str('AnnounceUrl');
  if (announce) engine.log.add('conference', `announcement ${announce} to ${conf.sid} (not played: announcements are not emulated)`);
  return { status: 200, body: formatConference(conf, dates) };
}

export const conferenceRoutes: Route[] = [
  { method: 'GET', pattern: /^\/Conferences\.json$/, handle: listConferences },
  { method: 'GET', pattern: /^\/Conferences\/(?<conferenceSid>[^/]+)\.json$/, handle: fetchConference },
  { method: 'POST', pattern: /^\/Conferences\/(?<conferenceSid>[^/]+)\.json$/, handle: updateConference },
];
