// Dial mode's hold queue: one per call, named after the caller's CallSid, created by <Enqueue> on
// demand and deleted once the caller has left it for good (Twilio advises deleting queues that are
// no longer used; docs/twilio-voice-semantics.md, "Queues").
import type { Twilio } from 'twilio';
import { isFailure } from '../platform/failure';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';

/** A CallSid is 34 characters, well inside the 64 Twilio allows for a queue name. */
export function holdQueueName(callerCallSid: string): string {
  return callerCallSid;
}

// Twilio's largest page: one request covers any account that cleans up its queues.
const QUEUE_PAGE_SIZE = 1000;

/**
 * Whether the caller is waiting in its hold queue right now (not merely bridged out of it):
 * the queue exists and has a member, and the only member it can have is the caller.
 * Queues cannot be listed by name, so this lists them; the SDK pages on if there are more.
 */
export async function callerIsWaitingOnHold(
  client: Twilio,
  callerCallSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<boolean> {
  const name = holdQueueName(callerCallSid);
  const queues = await callTwilio('list the hold queues', () => client.queues.list({ pageSize: QUEUE_PAGE_SIZE }), policy);
  return queues.some((queue) => queue.friendlyName === name && queue.currentSize > 0);
}

export type QueueDeletion = 'deleted' | 'already-gone' | 'kept';

/**
 * Deletes an empty, unused hold queue. A queue that is already gone is fine (the <Queue url> and
 * the <Enqueue> action may both try). A queue that is not empty cannot be deleted (HTTP 400) and
 * is kept: its member's own way out will request the <Enqueue> action, which deletes it then.
 * Never throws: cleaning up must not change what a caller hears.
 */
export async function deleteHoldQueue(
  client: Twilio,
  queueSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<QueueDeletion> {
  try {
    await callTwilio('delete the hold queue', () => client.queues(queueSid).remove(), policy);
    return 'deleted';
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') return 'already-gone';
    console.error(`hold queue ${queueSid} kept:`, isFailure(error) ? error.message : error);
    return 'kept';
  }
}
