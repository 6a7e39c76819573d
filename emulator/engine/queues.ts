// Queues: <Enqueue> and its waitUrl loop, <Dial><Queue> bridging with the front member, the
// Enqueue action with QueueResult, and the REST dequeue (docs/twilio-voice-semantics.md, "Queues").
// twilio-rule: queued-agent-redirect-ends-dial-queue, dial-queue-bridges-front, dial-queue-empty-waits,
// twilio-rule: dial-queue-missing-error, enqueue-action-after-redirect-ignored, enqueue-waiturl-loops,
// twilio-rule: queue-rest-errors
import { type Queue, averageWaitSec } from '../model/queue';
import { newSid } from '../model/sid';
import type { Dial, Enqueue, HttpMethod, QueueNoun, TwimlError, Verb } from '../twiml/types';
import { PlaybackOwner } from './audio-owner';
import type { TimerHandle } from './clock';
import type { CallHost } from './call-host';
import { TwilioApiError, notFound } from './errors';
import { DEFAULT_MUSIC_URL, type Hearing, RINGING, SILENCE } from './hearing';
import type { Blocker, CallRuntime } from './runtime';
import { TwimlSession, type SessionOwner } from './session';

/** QueueResult values (TwiML <Enqueue> docs). */
type QueueResult = 'bridged' | 'hangup' | 'leave' | 'redirected' | 'redirected-from-bridged' | 'queue-full' | 'error' | 'system-error';

/** "MaxSize default 1000 (max 5000)" (Queue resource docs). */
export const DEFAULT_QUEUE_MAX_SIZE = 1000;
export const MAX_QUEUE_SIZE = 5000;

/** A waitUrl document that runs out without playing anything is re-requested after this long
 *  rather than at once: an emulator guard against a hot loop (Twilio's own pacing is undocumented). */
const EMPTY_WAIT_RETRY_MS = 1000;

/** A waitUrl that could not be fetched is requested again this much later **(inferred)**: Twilio
 *  documents that a queue requests its waitUrl again each time the document runs out, and nothing
 *  that ends the loop on a failed fetch; the member hears silence meanwhile. */
export const FAILED_WAIT_RETRY_MS = 10_000;

export class QueueService {
  private readonly seats = new Map<string, QueueSeat>();
  private readonly waiters = new Map<string, DialQueue[]>();

  constructor(private readonly engine: CallHost) {}

  // --- REST ------------------------------------------------------------------------------------

  createQueue(friendlyName: string, maxSize = DEFAULT_QUEUE_MAX_SIZE): Queue {
    if (this.engine.store.queueNamed(friendlyName)) {
      throw new TwilioApiError(400, 22003, `A queue with friendly name ${friendlyName} already exists`);
    }
    return this.newQueue(friendlyName, maxSize);
  }

  requireQueue(sid: string): Queue {
    const q = this.engine.store.queues.get(sid);
    if (!q) throw notFound(`Queue ${sid}`);
    return q;
  }

  updateQueue(sid: string, changes: { friendlyName?: string; maxSize?: number }): Queue {
    const q = this.requireQueue(sid);
    if (changes.friendlyName !== undefined && changes.friendlyName !== q.friendlyName)
      this.engine.store.renameQueue(q, changes.friendlyName);
    if (changes.maxSize !== undefined) q.maxSize = changes.maxSize;
    q.updatedAt = this.engine.clock.now();
    return q;
  }

  /** "Delete removes an EMPTY queue." */
  deleteQueue(sid: string): void {
    const q = this.requireQueue(sid);
    if (q.members.length > 0) throw new TwilioApiError(400, 22004, `Queue ${sid} is not empty: it has ${q.members.length} members`);
    this.engine.store.deleteQueue(q);
  }

  /** Members by CallSid or "Front". */
  requireMember(queueSid: string, callSidOrFront: string): { queue: Queue; callSid: string } {
    const queue = this.requireQueue(queueSid);
    const member = callSidOrFront === 'Front' ? queue.members[0] : queue.members.find((m) => m.callSid === callSidOrFront);
    if (!member) throw notFound(`Member ${callSidOrFront}`);
    return { queue, callSid: member.callSid };
  }

  /** REST dequeue: the member leaves the queue and runs `url`; its Enqueue action is reported at once. */
  dequeue(queueSid: string, callSidOrFront: string, url: string, method: HttpMethod): string {
    const { callSid } = this.requireMember(queueSid, callSidOrFront);
    this.engine.redirect(callSid, { url, method });
    return callSid;
  }

  // --- TwiML -----------------------------------------------------------------------------------

  enqueue(rt: CallRuntime, verb: Enqueue, session: TwimlSession): void {
    // "<Enqueue name>: creates the queue on demand".
    const queue = this.engine.store.queueNamed(verb.name) ?? this.newQueue(verb.name, DEFAULT_QUEUE_MAX_SIZE);
    const seat = new QueueSeat(this, this.engine, rt, queue, verb, session);
    if (queue.members.length >= queue.maxSize) {
      seat.finish('queue-full', true);
      return;
    }
    queue.members.push({ callSid: rt.call.sid, queueSid: queue.sid, enqueuedAt: this.engine.clock.now() });
    this.seats.set(rt.call.sid, seat);
    rt.blocker = seat;
    this.engine.log.add('queue', `enqueued in ${queue.friendlyName} at position ${queue.members.length}`, rt.call.sid, {
      queueSid: queue.sid,
    });
    const waiter = this.waiters.get(queue.friendlyName)?.[0];
    if (waiter) waiter.take(seat);
    else seat.startWaiting();
  }

  dialQueue(rt: CallRuntime, verb: Dial, noun: QueueNoun, session: TwimlSession): void {
    const dial = new DialQueue(this, this.engine, rt, verb, noun, session);
    rt.blocker = dial;
    const queue = this.engine.store.queueNamed(noun.name);
    if (!queue) {
      // "If the queue does not exist, Dial will post an error status to its action URL"
      // (https://www.twilio.com/docs/voice/twiml/queue). Which status is not said: `failed`, the
      // DialCallStatus for "unable to route", is the emulator's reading (inferred).
      this.engine.log.add('queue', `<Dial><Queue> ${noun.name}: no such queue`, rt.call.sid);
      dial.noSuchQueue();
      return;
    }
    const front = queue.members[0];
    if (front) {
      dial.take(this.seats.get(front.callSid)!);
      return;
    }
    // "on an empty queue it waits for a member or the Dial timeout".
    const list = this.waiters.get(noun.name) ?? [];
    list.push(dial);
    this.waiters.set(noun.name, list);
    dial.waitFor(verb.timeoutSec * 1000);
  }

  // --- internals -------------------------------------------------------------------------------

  private newQueue(friendlyName: string, maxSize: number): Queue {
    const now = this.engine.clock.now();
    const q: Queue = {
      sid: newSid('QU'),
      accountSid: this.engine.accountSid,
      friendlyName,
      maxSize,
      createdAt: now,
      updatedAt: now,
      members: [],
      totalWaitMs: 0,
      waitsEnded: 0,
    };
    this.engine.store.addQueue(q);
    this.engine.log.add('queue', `queue ${friendlyName} created (${q.sid})`);
    return q;
  }

  /** Takes a member out of its queue's waiting list; returns its time in the queue. */
  removeMember(seat: QueueSeat): number {
    this.seats.delete(seat.callSid);
    const q = seat.queue;
    const i = q.members.findIndex((m) => m.callSid === seat.callSid);
    if (i < 0) return seat.queuedMs;
    const waited = this.engine.clock.now() - q.members[i].enqueuedAt;
    q.members.splice(i, 1);
    q.totalWaitMs += waited;
    q.waitsEnded++;
    return waited;
  }

  stopWaiting(dial: DialQueue, name: string): void {
    const list = this.waiters.get(name);
    if (!list) return;
    const rest = list.filter((d) => d !== dial);
    if (rest.length > 0) this.waiters.set(name, rest);
    else this.waiters.delete(name);
  }

  waitParams(seat: QueueSeat): Record<string, string> {
    const q = seat.queue;
    const i = q.members.findIndex((m) => m.callSid === seat.callSid);
    const since = i >= 0 ? q.members[i].enqueuedAt : this.engine.clock.now();
    return {
      QueuePosition: String(i + 1),
      QueueSid: q.sid,
      QueueTime: String(Math.floor((this.engine.clock.now() - since) / 1000)),
      AvgQueueTime: String(averageWaitSec(q)),
      CurrentQueueSize: String(q.members.length),
      MaxQueueSize: String(q.maxSize),
    };
  }
}

/** A caller in a queue: it hears the waitUrl, is bridged by a <Dial><Queue>, or leaves. */
class QueueSeat implements Blocker, SessionOwner {
  private state: 'waiting' | 'dequeuing' | 'bridged' | 'gone' = 'waiting';
  private wait: TwimlSession | undefined;
  private intro: TwimlSession | undefined;
  private dialer: DialQueue | undefined;
  private waitStartedAt = 0;
  queuedMs = 0;

  constructor(
    private readonly service: QueueService,
    private readonly engine: CallHost,
    private readonly rt: CallRuntime,
    readonly queue: Queue,
    private readonly verb: Enqueue,
    private readonly session: TwimlSession,
  ) {}

  get callSid(): string {
    return this.rt.call.sid;
  }

  hearing(): Hearing {
    if (this.state === 'bridged' && this.dialer) return { kind: 'party', callSids: [this.dialer.callSid] };
    if (this.state === 'dequeuing') return this.intro?.hearing ?? SILENCE;
    if (this.verb.waitUrl === undefined) return { kind: 'music', url: DEFAULT_MUSIC_URL };
    return this.wait?.hearing ?? SILENCE;
  }

  startWaiting(): void {
    if (this.verb.waitUrl === undefined) return;
    this.wait = new TwimlSession(this.engine, this.callSid, 'queue-wait', this, 'waitUrl');
    this.requestWait();
  }

  private requestWait(): void {
    this.waitStartedAt = this.engine.clock.now();
    this.wait?.fetch(this.session.resolve(this.verb.waitUrl!), this.verb.waitUrlMethod);
  }

  // SessionOwner of the waitUrl document.
  params(): Record<string, string> {
    return { ...this.engine.callParams(this.rt.call), ...this.service.waitParams(this) };
  }

  runVerb(verb: Verb): void {
    if (verb.verb === 'Hangup') this.engine.endCall(this.callSid, 'completed');
    else if (verb.verb === 'Leave') this.finish('leave', true);
    else this.wait?.next();
  }

  /** "Twilio requests it AGAIN each time its TwiML runs out (it loops by itself)." */
  runOut(): void {
    if (this.state !== 'waiting') return;
    if (this.engine.clock.now() > this.waitStartedAt) {
      this.requestWait();
      return;
    }
    this.engine.clock.schedule(EMPTY_WAIT_RETRY_MS, () => {
      if (this.state === 'waiting') this.requestWait();
    });
  }

  failed(error: TwimlError): void {
    this.engine.log.add('error', `waitUrl error ${error.code}: ${error.message}`, this.callSid, { code: error.code });
    const wait = this.wait;
    this.engine.clock.schedule(FAILED_WAIT_RETRY_MS, () => {
      if (this.state === 'waiting' && this.wait === wait) this.requestWait();
    });
  }

  /** A <Dial><Queue> takes this member: it hears the <Queue url> first, if any, then the dialer. */
  dequeueTo(dialer: DialQueue, noun: QueueNoun, resolve: (u: string) => string): void {
    this.queuedMs = this.service.removeMember(this);
    this.wait?.stop();
    this.dialer = dialer;
    this.engine.log.add('queue', `dequeued from ${this.queue.friendlyName} by ${dialer.callSid}`, this.callSid);
    if (!noun.url) {
      this.bridge();
      return;
    }
    this.state = 'dequeuing';
    const owner = new PlaybackOwner(
      this.engine.log,
      this.callSid,
      () => ({
        ...this.engine.callParams(this.rt.call),
        QueueSid: this.queue.sid,
        QueueTime: String(Math.floor(this.queuedMs / 1000)),
        DequeingCallSid: dialer.callSid,
      }),
      () => this.bridge(),
    );
    this.intro = new TwimlSession(this.engine, this.callSid, 'queue-url', owner, 'Queue url');
    owner.session = this.intro;
    this.intro.fetch(resolve(noun.url), noun.method);
  }

  private bridge(): void {
    if (this.state === 'gone') return;
    this.intro?.stop();
    this.state = 'bridged';
    this.dialer?.bridged(this);
  }

  redirected(): void {
    const wasBridged = this.state === 'bridged' || this.state === 'dequeuing';
    this.finish(wasBridged ? 'redirected-from-bridged' : 'redirected', false);
  }

  hungUp(): void {
    const wasBridged = this.state === 'bridged' || this.state === 'dequeuing';
    this.finish(wasBridged ? 'bridged' : 'hangup', false);
  }

  /** The dialer left the bridge (hung up or was redirected): this caller goes on after <Enqueue>. */
  dialerLeft(): void {
    this.finish('bridged', true);
  }

  /**
   * Ends the seat and reports QueueResult to the Enqueue action. `goOn`: the call continues with
   * the action's TwiML (or the next verb); otherwise the call is gone or runs new TwiML and the
   * action's answer is ignored.
   */
  finish(result: QueueResult, goOn: boolean): void {
    if (this.state === 'gone') return;
    const wasWaiting = this.state === 'waiting';
    this.state = 'gone';
    this.wait?.stop();
    this.intro?.stop();
    if (wasWaiting && result !== 'queue-full') this.queuedMs = this.service.removeMember(this);
    const dialer = this.dialer;
    this.dialer = undefined;
    if (dialer && result !== 'bridged') dialer.memberLeft();
    else if (dialer && !goOn) dialer.memberLeft();
    this.engine.log.add('queue', `left ${this.queue.friendlyName}: ${result}`, this.callSid);
    const params = { QueueResult: result, QueueSid: this.queue.sid, QueueTime: String(Math.floor(this.queuedMs / 1000)) };
    const action = this.verb.action ? { url: this.session.resolve(this.verb.action), method: this.verb.method, params } : undefined;
    if (goOn) {
      this.engine.continueAfter(this.callSid, action, 'Enqueue action');
      return;
    }
    if (action)
      this.engine.notify(
        action.url,
        action.method,
        { ...this.engine.callParams(this.rt.call), ...params },
        'Enqueue action (answer ignored)',
        this.callSid,
      );
  }
}

/** The <Dial><Queue> side: waits for a member (until the Dial timeout), then is bridged with it. */
class DialQueue implements Blocker {
  private member: QueueSeat | undefined;
  private bridgedAt: number | undefined;
  private timer: TimerHandle | undefined;
  private done = false;

  constructor(
    private readonly service: QueueService,
    private readonly engine: CallHost,
    private readonly rt: CallRuntime,
    private readonly verb: Dial,
    private readonly noun: QueueNoun,
    private readonly session: TwimlSession,
  ) {}

  get callSid(): string {
    return this.rt.call.sid;
  }

  hearing(): Hearing {
    return this.member && this.bridgedAt !== undefined ? { kind: 'party', callSids: [this.member.callSid] } : RINGING;
  }

  waitFor(ms: number): void {
    this.timer = this.engine.clock.schedule(ms, () => {
      this.service.stopWaiting(this, this.noun.name);
      // An empty queue until the Dial timeout: reported as no-answer (inferred).
      this.finish('no-answer');
    });
  }

  noSuchQueue(): void {
    this.finish('failed');
  }

  take(seat: QueueSeat): void {
    this.timer?.cancel();
    this.service.stopWaiting(this, this.noun.name);
    this.member = seat;
    seat.dequeueTo(this, this.noun, (u) => this.session.resolve(u));
  }

  bridged(seat: QueueSeat): void {
    if (this.done) return;
    this.bridgedAt = this.engine.clock.now();
    this.engine.log.add('queue', `bridged with ${seat.callSid} from queue ${this.noun.name}`, this.callSid);
  }

  /** The member hung up or was redirected away: this Dial ends and the dialer goes on. */
  memberLeft(): void {
    if (this.done) return;
    this.finish('completed');
  }

  redirected(): void {
    this.leave();
  }
  hungUp(): void {
    this.leave();
  }

  /** The dialer is gone or runs new TwiML: the member is not its child leg, so it is not hung
   *  up; its <Enqueue> ends with QueueResult=bridged (inferred). The Dial action is reported, ignored. */
  private leave(): void {
    if (this.done) return;
    this.done = true;
    this.timer?.cancel();
    this.service.stopWaiting(this, this.noun.name);
    const member = this.member;
    this.member = undefined;
    member?.dialerLeft();
    if (this.verb.action) {
      this.engine.notify(
        this.session.resolve(this.verb.action),
        this.verb.method,
        { ...this.engine.callParams(this.rt.call), ...this.outcome(member ? 'completed' : 'canceled', member) },
        'Dial action (answer ignored)',
        this.callSid,
      );
    }
  }

  private finish(status: string): void {
    if (this.done) return;
    this.done = true;
    this.timer?.cancel();
    const member = this.member;
    this.member = undefined;
    const action = this.verb.action
      ? { url: this.session.resolve(this.verb.action), method: this.verb.method, params: this.outcome(status, member) }
      : undefined;
    this.engine.continueAfter(this.callSid, action, 'Dial action');
  }

  private outcome(status: string, member: QueueSeat | undefined): Record<string, string> {
    const p: Record<string, string> = {
      DialCallStatus: status,
      DialBridged: String(this.bridgedAt !== undefined),
      QueueSid: member?.queue.sid ?? '',
    };
    if (member) p.DialCallSid = member.callSid;
    if (this.bridgedAt !== undefined) p.DialCallDuration = String(Math.floor((this.engine.clock.now() - this.bridgedAt) / 1000));
    if (!member) delete p.QueueSid;
    return p;
  }
}
