// Queues and their members (Queue and Member resources).

export interface Queue {
  sid: string;
  accountSid: string;
  friendlyName: string;
  /** Default 1000, at most 5000 (Queue resource docs). */
  maxSize: number;
  createdAt: number;
  updatedAt: number;
  /** Waiting members, front first. */
  members: Member[];
  /** For average_wait_time: total and count of waits that ended. */
  totalWaitMs: number;
  waitsEnded: number;
}

export interface Member {
  callSid: string;
  queueSid: string;
  enqueuedAt: number;
}

export function averageWaitSec(q: Queue): number {
  return q.waitsEnded === 0 ? 0 : Math.round(q.totalWaitMs / q.waitsEnded / 1000);
}
