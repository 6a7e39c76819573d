// Dial mode's two queues per call, both created on demand by <Enqueue> and named after the
// caller's CallSid: the caller waits in the CALLER queue with the hold music; while the caller is
// held, the agent waits in the AGENT queue (silence), which is what a resume dials. Nobody ever
// dials the caller queue. Twilio advises deleting queues that are no longer used
// (docs/twilio-voice-semantics.md, "Queues"): they are deleted by name once the call is over.
import type { Twilio } from 'twilio';
import { isFailure, logFailure } from '../platform/failure';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';

/** A CallSid is 34 characters, well inside the 64 Twilio allows for a queue name. */
export function callerQueueName(callerCallSid: string): string {
  return callerCallSid;
}

export function agentQueueName(callerCallSid: string): string {
  return `${callerCallSid}-agent`;
}

/** What the call's queues say, from ONE list request. */
export interface HoldQueues {
  /** The caller is waiting in its queue (on hold, hearing the music). */
  callerWaiting: boolean;
  /** The agent is waiting in its queue (on hold, silent), ready to be dialled by a resume. */
  agentWaiting: boolean;
  /** The agent queue exists: a hold has happened, so the caller's first <Dial> is over. */
  everHeld: boolean;
  /** The caller queue's SID, when it exists (callerWaitSeconds reads its member). */
  callerQueueSid?: string;
}

// Twilio's largest page: one request covers any account that cleans up its queues.
const QUEUE_PAGE_SIZE = 1000;

interface QueueRow {
  sid: string;
  friendlyName: string;
  currentSize: number;
}

async function listQueues(client: Twilio, policy: RetryPolicy): Promise<QueueRow[]> {
  // Queues cannot be listed by name; the SDK pages on if there are more than a page.
  return callTwilio('list the hold queues', () => client.queues.list({ pageSize: QUEUE_PAGE_SIZE }), policy);
}

export async function readHoldQueues(
  client: Twilio,
  callerCallSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<HoldQueues> {
  const queues = await listQueues(client, policy);
  const named = (name: string): QueueRow | undefined => queues.find((queue) => queue.friendlyName === name);
  const caller = named(callerQueueName(callerCallSid));
  const agent = named(agentQueueName(callerCallSid));
  return {
    callerWaiting: (caller?.currentSize ?? 0) > 0,
    agentWaiting: (agent?.currentSize ?? 0) > 0,
    everHeld: agent !== undefined,
    ...(caller ? { callerQueueSid: caller.sid } : {}),
  };
}

/**
 * How long the caller has waited in its queue, i.e. been held: its member's wait_time (one
 * request). Unlike the agent queue's QueueTime it does not start again when a /hold of a held call
 * moves the agent into its queue again. Undefined when the caller is not in the queue.
 */
export async function callerWaitSeconds(
  client: Twilio,
  callerQueueSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<number | undefined> {
  const members = await callTwilio("read the held caller's wait", () => client.queues(callerQueueSid).members.list({ limit: 1 }), policy);
  return members[0]?.waitTime;
}

export type QueueDeletion = 'deleted' | 'already-gone' | 'kept';

/**
 * Deletes the call's queues that exist. A queue that still has a member cannot be deleted (HTTP
 * 400) and is kept: that member's own way out deletes it later. Never throws: cleaning up must
 * not change what anybody hears.
 */
export async function deleteHoldQueues(
  client: Twilio,
  callerCallSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<QueueDeletion[]> {
  const names = new Set([callerQueueName(callerCallSid), agentQueueName(callerCallSid)]);
  let queues: QueueRow[];
  try {
    queues = (await listQueues(client, policy)).filter((queue) => names.has(queue.friendlyName));
  } catch (error) {
    logFailure(error, { failed: `hold queues of ${callerCallSid} kept` });
    return ['kept'];
  }
  return Promise.all(queues.map((queue) => deleteQueue(client, queue.sid, policy)));
}

async function deleteQueue(client: Twilio, queueSid: string, policy: RetryPolicy): Promise<QueueDeletion> {
  try {
    await callTwilio('delete a hold queue', () => client.queues(queueSid).remove(), policy);
    return 'deleted';
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') return 'already-gone';
    logFailure(error, { failed: `hold queue ${queueSid} kept` });
    return 'kept';
  }
}
