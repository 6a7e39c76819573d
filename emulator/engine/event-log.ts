// The timeline of everything that happened: every call state change, webhook, REST request and
// error. Bounded (a ring of `limit` entries) so a 10,000-call benchmark does not measure the log.

export type LogType =
  | 'call' // call status changes
  | 'twiml' // a verb starts
  | 'webhook' // a webhook request and its outcome
  | 'callback' // status callbacks (call, participant, conference)
  | 'conference' // joins, leaves, holds, start and end
  | 'queue' // enqueue, dequeue, bridges from a queue
  | 'rest' // REST requests to the emulator (the 2010-04-01 Voice API)
  | 'sync' // Sync v1 REST requests (services, maps, map items)
  | 'error'; // application errors (Twilio error codes)

export interface LogEntry {
  /** Emulator clock time in ms. */
  t: number;
  type: LogType;
  callSid?: string;
  summary: string;
  detail?: Record<string, unknown>;
}

export class EventLog {
  private entries: LogEntry[] = [];
  private start = 0;
  /** Every entry ever added, including those the ring dropped: the engine's event count. */
  total = 0;

  constructor(
    private readonly now: () => number,
    private readonly limit = 50_000,
  ) {}

  add(type: LogType, summary: string, callSid?: string, detail?: Record<string, unknown>): void {
    this.total++;
    if (this.limit === 0) return;
    const entry: LogEntry = { t: this.now(), type, summary };
    if (callSid !== undefined) entry.callSid = callSid;
    if (detail !== undefined) entry.detail = detail;
    if (this.entries.length < this.limit) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.start] = entry;
    this.start = (this.start + 1) % this.limit;
  }

  list(): LogEntry[] {
    return this.entries.slice(this.start).concat(this.entries.slice(0, this.start));
  }
}
