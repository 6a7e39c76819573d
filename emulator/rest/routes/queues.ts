// /Queues: create, fetch, list, update, delete (only when empty).
import { formatQueue, page } from '../format';
import type { Route, RouteContext } from '../route';

function createQueue({ engine, params, dates }: RouteContext) {
  const q = engine.queues.createQueue(params.required('FriendlyName'), params.int('MaxSize'));
  return { status: 201, body: formatQueue(q, dates) };
}

function fetchQueue({ engine, path, dates }: RouteContext) {
  return { status: 200, body: formatQueue(engine.queues.requireQueue(path.queueSid), dates) };
}

function listQueues({ engine, params, listPath, dates }: RouteContext) {
  const queues = [...engine.store.queues.values()].reverse();
  return { status: 200, body: page('queues', listPath, queues, (q) => formatQueue(q, dates), { ...params.paging(), filters: {} }) };
}

function updateQueue({ engine, path, params, dates }: RouteContext) {
  const q = engine.queues.updateQueue(path.queueSid, { friendlyName: params.str('FriendlyName'), maxSize: params.int('MaxSize') });
  return { status: 200, body: formatQueue(q, dates) };
}

function deleteQueue({ engine, path }: RouteContext) {
  engine.queues.deleteQueue(path.queueSid);
  return { status: 204 };
}

export const queueRoutes: Route[] = [
  { method: 'POST', pattern: /^\/Queues\.json$/, handle: createQueue },
  { method: 'GET', pattern: /^\/Queues\.json$/, handle: listQueues },
  { method: 'GET', pattern: /^\/Queues\/(?<queueSid>[^/]+)\.json$/, handle: fetchQueue },
  { method: 'POST', pattern: /^\/Queues\/(?<queueSid>[^/]+)\.json$/, handle: updateQueue },
  { method: 'DELETE', pattern: /^\/Queues\/(?<queueSid>[^/]+)\.json$/, handle: deleteQueue },
];
