// /Queues/{QueueSid}/Members: list, fetch (by CallSid or "Front"), dequeue (POST with Url).
import { formatMember, page } from '../format';
import type { Route, RouteContext } from '../route';

function listMembers({ engine, path, params, listPath, dates }: RouteContext) {
  const q = engine.queues.requireQueue(path.queueSid);
  return {
    status: 200,
    body: page('queue_members', listPath, q.members, (m) => formatMember(q, m, dates), { ...params.paging(), filters: {} }),
  };
}

function fetchMember({ engine, path, dates }: RouteContext) {
  const { queue, callSid } = engine.queues.requireMember(path.queueSid, path.member);
  const m = queue.members.find((x) => x.callSid === callSid)!;
  return { status: 200, body: formatMember(queue, m, dates) };
}

/** Dequeue: "POST member with Url (required) and Method" (Member resource docs). */
function dequeueMember({ engine, path, params, dates }: RouteContext) {
  const { queue, callSid } = engine.queues.requireMember(path.queueSid, path.member);
  const m = queue.members.find((x) => x.callSid === callSid)!;
  const body = formatMember(queue, m, dates);
  engine.queues.dequeue(queue.sid, callSid, params.required('Url'), params.method('Method', 'POST'));
  return { status: 200, body };
}

const one = /^\/Queues\/(?<queueSid>[^/]+)\/Members\/(?<member>[^/]+)\.json$/;

export const memberRoutes: Route[] = [
  { method: 'GET', pattern: /^\/Queues\/(?<queueSid>[^/]+)\/Members\.json$/, handle: listMembers },
  { method: 'GET', pattern: one, handle: fetchMember },
  { method: 'POST', pattern: one, handle: dequeueMember },
];
