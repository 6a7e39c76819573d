// The typed store of everything the emulator knows. Maps keep insertion order, the order lists
// are built from. Name indexes keep joins O(1) with 10,000 live conferences.
import type { Call } from './call';
import type { Conference } from './conference';
import type { Queue } from './queue';

export class Store {
  readonly calls = new Map<string, Call>();
  readonly conferences = new Map<string, Conference>();
  readonly queues = new Map<string, Queue>();
  private readonly liveConferenceSidByName = new Map<string, string>();
  private readonly queueSidByName = new Map<string, string>();

  addConference(c: Conference): void {
    this.conferences.set(c.sid, c);
    this.liveConferenceSidByName.set(c.friendlyName, c.sid);
  }

  /** Called when a conference completes: its friendly name may be reused by a new conference. */
  retireConferenceName(c: Conference): void {
    if (this.liveConferenceSidByName.get(c.friendlyName) === c.sid) this.liveConferenceSidByName.delete(c.friendlyName);
  }

  /** The live (not completed) conference with this friendly name: names are reused over time. */
  liveConferenceNamed(name: string): Conference | undefined {
    const sid = this.liveConferenceSidByName.get(name);
    return sid === undefined ? undefined : this.conferences.get(sid);
  }

  addQueue(q: Queue): void {
    this.queues.set(q.sid, q);
    this.queueSidByName.set(q.friendlyName, q.sid);
  }

  renameQueue(q: Queue, name: string): void {
    this.queueSidByName.delete(q.friendlyName);
    q.friendlyName = name;
    this.queueSidByName.set(name, q.sid);
  }

  deleteQueue(q: Queue): void {
    this.queues.delete(q.sid);
    if (this.queueSidByName.get(q.friendlyName) === q.sid) this.queueSidByName.delete(q.friendlyName);
  }

  queueNamed(name: string): Queue | undefined {
    const sid = this.queueSidByName.get(name);
    return sid === undefined ? undefined : this.queues.get(sid);
  }
}
