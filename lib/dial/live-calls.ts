// Dial mode's live calls as Twilio shows them, for GET /calls (lib/state/reconcile.ts): every
// in-progress call without a parent; one whose child (the agent's leg) is in progress, or that
// waits in its own hold queue, is proven to be a caller of ours; it is held while it waits there.
// (A caller whose agent still rings is not proven: it is listed from its record.) REST requests: 1 call list (in-progress,
// pages of 1000) + 1 queue list (pages of 1000), whatever the number of calls.
import type { Twilio } from 'twilio';
import { callTwilio, type RetryPolicy } from '../platform/twilio-request';
import type { LiveCall } from '../state/reconcile';
import { callerQueueName } from './hold-queue';

const PAGE_SIZE = 1000;

export async function readLiveDialCalls(client: Twilio, policy: RetryPolicy): Promise<LiveCall[]> {
  const [calls, queues] = await Promise.all([
    callTwilio('list the live calls', () => client.calls.list({ status: 'in-progress', pageSize: PAGE_SIZE }), policy),
    callTwilio('list the hold queues', () => client.queues.list({ pageSize: PAGE_SIZE }), policy),
  ]);
  const waiting = new Set(queues.filter((q) => q.currentSize > 0).map((q) => q.friendlyName));
  const agentOf = new Map(calls.filter((c) => c.parentCallSid).map((c) => [c.parentCallSid, c.sid]));
  return calls
    .filter((c) => !c.parentCallSid)
    .map((c) => ({
      callSid: c.sid,
      mode: 'dial' as const,
      connected: agentOf.has(c.sid) || waiting.has(callerQueueName(c.sid)),
      callerHeld: waiting.has(callerQueueName(c.sid)),
      agentHeld: false,
      conferenceSid: null,
      agentCallSid: agentOf.get(c.sid) ?? null,
      startedAt: (c.startTime ?? c.dateCreated ?? new Date()).toISOString(),
      from: c.from ?? '',
      proven: agentOf.has(c.sid) || waiting.has(callerQueueName(c.sid)),
    }));
}
