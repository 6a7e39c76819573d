// The engine: runs every call's TwiML against the model on a clock. It owns call lifecycles
// (ring, answer, end, redirect) and the webhook parameters; <Dial>, conferences and queues live in
// their own modules, which it hands itself as their CallHost (call-host.ts) to continue or end a
// call: they never import this file.
import { type Call, type CallStatus, TERMINAL_STATUSES, callDurationSec, splitCustomParameters } from '../model/call';
import { newCallToken, newSid } from '../model/sid';
import { Store } from '../model/store';
import type { CallEvent, HttpMethod, TwimlError, Verb } from '../twiml/types';
import type { CallHost, NewOutboundCall, VerbAction } from './call-host';
import { type Clock, RealClock, VirtualClock } from './clock';
import { ConferenceService } from './conferences';
import { PartiesDial } from './dial';
import { TwilioApiError, notFound } from './errors';
import { EventLog } from './event-log';
import { Faults } from './faults';
import { APPLICATION_ERROR_TEXT, type Hearing, RINGING, SILENCE } from './hearing';
import { DEFAULT_ANSWER_AFTER_MS, type Keypress, keypressOf, Parties, type PartyConfig } from './parties';
import { QueueService } from './queues';
import { SyncStore } from './sync-store';
import type { CallRuntime, DocumentSource, OutboundPlan } from './runtime';
import { type AudioTimings, estimateSpeechMs, TwimlSession, type SessionOwner } from './session';
import { HttpWebhookTransport, WebhookClient, type WebhookTransport } from './webhooks';

export interface EngineOptions {
  accountSid: string;
  authToken: string;
  clock: 'virtual' | 'real';
  defaultParty: PartyConfig;
  webhookTransport?: WebhookTransport;
  /** How long one play of an audio URL lasts. Default 30 s. */
  audioDurationMs?: number;
  /**
   * The account's CPS: calls created by POST /Calls and POST /Participants start at most this many
   * per second, the others wait in `queued` (rule api-calls-paced). Default 1, Twilio's default;
   * 0 = unpaced. Inbound calls and <Dial> legs are never paced.
   */
  callsPerSecond?: number;
  /** Event log ring size; 0 keeps none (the count still runs). */
  logLimit?: number;
  /** Check every REST response against Twilio's OpenAPI response schemas (tests). Default off. */
  validateResponses?: boolean;
}

/** A REST response that does not match Twilio's OpenAPI response schema. */
export interface ResponseViolation {
  method: string;
  path: string;
  status: number;
  problems: string[];
}

export interface PhoneNumberConfig {
  phoneNumber: string;
  voiceUrl: string;
  voiceMethod?: HttpMethod;
}

export class Engine implements CallHost {
  readonly store = new Store();
  readonly clock: Clock;
  readonly log: EventLog;
  readonly faults = new Faults();
  readonly parties: Parties;
  readonly webhooks: WebhookClient;
  readonly conferences: ConferenceService;
  readonly queues: QueueService;
  /** Twilio Sync's services, maps and map items (the REST subset in rest/sync-router.ts). */
  readonly sync: SyncStore;
  readonly timings: AudioTimings;
  readonly numbers = new Map<string, PhoneNumberConfig>();
  /** With options.validateResponses: every REST response that broke Twilio's schema. */
  readonly responseViolations: ResponseViolation[] = [];
  private readonly transport: WebhookTransport;
  private readonly runtimes = new Map<string, CallRuntime>();
  private readonly inflight = new Set<Promise<unknown>>();
  private nextOutboundSlot = 0;

  constructor(readonly options: EngineOptions) {
    this.clock = options.clock === 'virtual' ? new VirtualClock() : new RealClock();
    this.log = new EventLog(() => this.clock.now(), options.logLimit);
    this.parties = new Parties(options.defaultParty);
    this.timings = { audioMs: options.audioDurationMs ?? 30_000, speechMs: estimateSpeechMs };
    this.transport = options.webhookTransport ?? new HttpWebhookTransport();
    this.webhooks = new WebhookClient({
      transport: this.transport,
      authToken: options.authToken,
      clock: this.clock,
      faults: this.faults,
      log: this.log,
      track: (p) => this.track(p),
    });
    this.conferences = new ConferenceService(this);
    this.queues = new QueueService(this);
    this.sync = new SyncStore(options.accountSid, () => this.clock.now());
  }

  get accountSid(): string {
    return this.options.accountSid;
  }

  // --- time ------------------------------------------------------------------------------------

  track(work: Promise<unknown>): void {
    const p = work.catch((e: unknown) => this.log.add('error', `internal error: ${(e as Error).stack ?? String(e)}`));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Runs everything due within `ms`, in time order, awaiting webhooks in between. */
  async advance(ms: number): Promise<void> {
    const clock = this.clock;
    if (!(clock instanceof VirtualClock)) {
      await new Promise((r) => setTimeout(r, ms));
      await this.drain();
      return;
    }
    const target = clock.now() + ms;
    for (;;) {
      await this.drain();
      const due = clock.takeDue(target);
      if (!due) break;
      due();
    }
    clock.moveTo(target);
    await this.drain();
  }

  /** Runs what is due now until nothing is in flight. */
  settle(): Promise<void> {
    return this.advance(0);
  }

  private async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  close(): void {
    if (this.clock instanceof RealClock) this.clock.stopAll();
    if (this.transport instanceof HttpWebhookTransport) this.transport.close();
  }

  // --- observation -----------------------------------------------------------------------------

  runtime(callSid: string): CallRuntime | undefined {
    return this.runtimes.get(callSid);
  }

  liveCallCount(): number {
    return this.runtimes.size;
  }

  hears(callSid: string): Hearing | undefined {
    const rt = this.runtimes.get(callSid);
    if (!rt) return undefined;
    if (rt.call.answeredAt === undefined) return RINGING;
    if (rt.blocker) return rt.blocker.hearing();
    return rt.main?.hearing ?? SILENCE;
  }

  // --- webhook parameters ----------------------------------------------------------------------

  /**
   * The parameters Twilio sends with every voice webhook about a call ("Twilio's request to your
   * application", https://www.twilio.com/docs/voice/twiml#request-parameters). The geographic
   * FromCity..ToCountry fields are looked up from the numbers "if available": the emulator has no
   * number database, so they are always present and empty, as Twilio sends them for numbers it cannot
   * place (e.g. client: identities). CallerName (caller ID lookup, off by default) and
   * ForwardedFrom (only for forwarded calls) describe a call Twilio RECEIVED, so they come with
   * inbound calls only, empty; CallToken, "generated when an incoming call is received on a Twilio
   * number", likewise.
   */
  callParams(call: Call): Record<string, string> {
    const p: Record<string, string> = {
      AccountSid: call.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      CallStatus: call.status,
      Direction: call.direction,
      From: call.from,
      To: call.to,
      Caller: call.from,
      Called: call.to,
      FromCity: '',
      FromState: '',
      FromZip: '',
      FromCountry: '',
      ToCity: '',
      ToState: '',
      ToZip: '',
      ToCountry: '',
    };
    // twilio-rule: agent-webhooks-carry-parent-call-sid (every request about a leg its parent created)
    // twilio-rule: dialled-leg-status-callback-after-redirect (a call keeps its statusCallback whatever TwiML it runs)
    if (call.parentCallSid) p.ParentCallSid = call.parentCallSid;
    if (call.direction === 'inbound') {
      p.CallerName = '';
      p.ForwardedFrom = '';
      if (call.callToken) p.CallToken = call.callToken;
    }
    return p;
  }

  /** A request whose answer Twilio ignores (Dial action of a redirected parent, status callbacks). */
  notify(url: string, method: HttpMethod, params: Record<string, string>, purpose: string, callSid?: string): void {
    this.webhooks.request(url, method, params, purpose, callSid, () => undefined);
  }

  // --- creating calls --------------------------------------------------------------------------

  setNumber(config: PhoneNumberConfig): void {
    this.numbers.set(config.phoneNumber, config);
  }

  /** An inbound call to one of the configured numbers: Twilio requests its voice URL. */
  placeInboundCall(from: string, to: string): string {
    const number = this.numbers.get(to);
    if (!number) throw new TwilioApiError(404, 20404, `No phone number ${to} is configured in the emulator`);
    const call = this.newCall({ from, to, direction: 'inbound', timeoutSec: 60 });
    call.callToken = newCallToken();
    const rt = this.addRuntime(call);
    this.setStatus(call, 'ringing');
    this.mainSession(rt).fetch(number.voiceUrl, number.voiceMethod ?? 'POST');
    return call.sid;
  }

  // twilio-rule: api-calls-paced
  /** REST POST /Calls: an outbound-api call that runs `doc` once answered. */
  createApiCall(spec: NewOutboundCall, doc: DocumentSource): Call {
    const call = this.newCall(spec);
    const rt = this.addRuntime(call);
    rt.pending = doc;
    this.startPaced(rt, { answered: () => this.runPending(rt), unanswered: () => undefined });
    return call;
  }

  /**
   * Dials an API-created leg (POST /Calls, POST /Participants) at the account's CPS: it waits in
   * `queued` until its slot, and its `queue_time` says how long (ms).
   */
  startPaced(rt: CallRuntime, plan: OutboundPlan): void {
    const cps = this.options.callsPerSecond ?? 1;
    const now = this.clock.now();
    const startAt = cps > 0 ? Math.max(now, this.nextOutboundSlot) : now;
    if (cps > 0) this.nextOutboundSlot = startAt + 1000 / cps;
    rt.call.queueTimeMs = startAt - now;
    const start = (): void => {
      if (!this.runtimes.has(rt.call.sid)) return;
      this.dialOut(rt, plan);
    };
    if (startAt > now) rt.ringTimer = this.clock.schedule(startAt - now, start);
    else start();
  }

  newCall(spec: NewOutboundCall): Call {
    const now = this.clock.now();
    const { address, customParameters } = splitCustomParameters(spec.to);
    const parameters = { ...customParameters, ...spec.customParameters };
    const call: Call = {
      sid: newSid('CA'),
      accountSid: this.accountSid,
      parentCallSid: spec.parentCallSid,
      from: spec.from,
      to: address,
      direction: spec.direction,
      status: 'queued',
      createdAt: now,
      updatedAt: now,
      statusCallback: spec.statusCallback,
      statusCallbackMethod: spec.statusCallbackMethod ?? 'POST',
      statusCallbackEvents: spec.statusCallbackEvents ?? ['completed'],
      callbackSequence: 0,
      timeoutSec: spec.timeoutSec,
      ...(Object.keys(parameters).length > 0 ? { customParameters: parameters } : {}),
    };
    this.store.calls.set(call.sid, call);
    return call;
  }

  addRuntime(call: Call): CallRuntime {
    const rt: CallRuntime = { call };
    this.runtimes.set(call.sid, rt);
    return rt;
  }

  /** Rings an outbound leg; the party's configured behaviour decides what happens. */
  dialOut(rt: CallRuntime, plan: OutboundPlan): void {
    const call = rt.call;
    rt.outbound = plan;
    rt.ringTimer?.cancel();
    call.startedAt = this.clock.now();
    this.sendCallEvent(call, 'initiated');
    this.setStatus(call, 'ringing');
    this.sendCallEvent(call, 'ringing');
    plan.ringing?.();
    if (!this.runtimes.has(call.sid)) return;
    rt.ringTimer = this.clock.schedule(call.timeoutSec * 1000, () => this.endCall(call.sid, 'no-answer'));
    const party = this.parties.get(call.to);
    const answers = party.behavior === 'answer' || party.behavior === 'voicemail';
    const after = party.afterMs ?? (answers ? DEFAULT_ANSWER_AFTER_MS : 0);
    if (answers) rt.answerTimer = this.clock.schedule(after, () => this.answer(call.sid));
    else if (party.behavior === 'busy') rt.answerTimer = this.clock.schedule(after, () => this.endCall(call.sid, 'busy'));
    else if (party.behavior === 'fail') rt.answerTimer = this.clock.schedule(after, () => this.endCall(call.sid, 'failed'));
  }

  /** What the party on an outbound leg presses at a <Gather>; an inbound caller presses nothing. */
  keypressOf(call: Call): Keypress | undefined {
    return call.direction === 'inbound' ? undefined : keypressOf(this.parties.get(call.to));
  }

  /** The party of a ringing outbound leg answers. Returns false when there was nothing to answer. */
  answer(callSid: string): boolean {
    const rt = this.runtimes.get(callSid);
    if (!rt || !rt.outbound || rt.call.answeredAt !== undefined) return false;
    rt.ringTimer?.cancel();
    rt.answerTimer?.cancel();
    rt.ringTimer = rt.answerTimer = undefined;
    this.markAnswered(rt.call);
    rt.outbound.answered();
    return true;
  }

  private markAnswered(call: Call): void {
    call.answeredAt = this.clock.now();
    call.startedAt ??= call.answeredAt;
    this.setStatus(call, 'in-progress');
    this.sendCallEvent(call, 'answered');
  }

  // --- running TwiML ---------------------------------------------------------------------------

  mainSession(rt: CallRuntime): TwimlSession {
    rt.main ??= new TwimlSession(this, rt.call.sid, 'voice', new CallProgram(this, rt), 'voice');
    return rt.main;
  }

  runDocument(rt: CallRuntime, doc: DocumentSource): void {
    const session = this.mainSession(rt);
    if ('twiml' in doc) session.load(doc.twiml);
    else session.fetch(doc.url, doc.method);
  }

  /**
   * A blocking verb (Dial, Enqueue, a conference seat) is over and the call goes on: with the
   * verb's action URL when it has one, else with the next verb. A leg that runs no TwiML of its
   * own (a <Dial> child, a REST-created participant) has nothing to go on with and hangs up.
   */
  continueAfter(callSid: string, action: VerbAction | undefined, purpose: string): void {
    const rt = this.runtimes.get(callSid);
    if (!rt) {
      // The call is gone; Twilio still reports the verb's outcome, and ignores the answer.
      const call = this.store.calls.get(callSid);
      if (action && call) this.notify(action.url, action.method, { ...this.callParams(call), ...action.params }, purpose, callSid);
      return;
    }
    rt.blocker = undefined;
    if (!rt.main) {
      this.endCall(callSid, 'completed');
      return;
    }
    if (action) rt.main.fetch(action.url, action.method, action.params);
    else rt.main.next();
  }

  /** The call hears Twilio's application-error prompt, then Twilio hangs up. */
  applicationError(rt: CallRuntime, error: TwimlError): void {
    this.log.add('error', `application error ${error.code}: ${error.message}`, rt.call.sid, {
      code: error.code,
      moreInfo: `https://www.twilio.com/docs/errors/${error.code}`,
    });
    if (rt.call.answeredAt === undefined) this.markAnswered(rt.call);
    this.mainSession(rt).run([{ verb: 'Say', text: APPLICATION_ERROR_TEXT, loop: 1 }, { verb: 'Hangup' }]);
  }

  // --- changing calls --------------------------------------------------------------------------

  /**
   * REST update with Url/Twiml: the call leaves what it is doing and runs the new document. An
   * outbound leg that is still ringing accepts it and runs it once answered; that includes a
   * <Dial> child: "any call which is currently ringing within a <Dial> verb is in-progress from
   * the point of view of Twilio" (https://www.twilio.com/docs/api/rest/change-call-state). Its
   * blocker (dial.ts, RingingLeg) takes it out of its parent's <Dial> first.
   */
  redirect(callSid: string, doc: DocumentSource): void {
    const rt = this.runtimes.get(callSid);
    if (!rt) throw new TwilioApiError(400, 21220, 'Call is not in-progress. Cannot redirect.');
    this.log.add('call', `redirected to ${'url' in doc ? doc.url : 'inline TwiML'}`, callSid);
    const blocker = rt.blocker;
    rt.blocker = undefined;
    blocker?.redirected();
    if (rt.call.answeredAt === undefined && rt.outbound) {
      rt.pending = doc;
      return;
    }
    rt.main?.stop();
    this.runDocument(rt, doc);
  }

  /** An outbound leg that was given TwiML while ringing runs it now that it answered. */
  runPending(rt: CallRuntime): void {
    const pending = rt.pending;
    rt.pending = undefined;
    if (pending) this.runDocument(rt, pending);
  }

  /** REST update Status=completed|canceled (Call resource docs). */
  hangupByApi(callSid: string, status: 'completed' | 'canceled'): void {
    const rt = this.runtimes.get(callSid);
    if (!rt) {
      if (status === 'completed') throw new TwilioApiError(400, 21220, 'Call is not in-progress. Cannot redirect.');
      return;
    }
    const unanswered = rt.call.answeredAt === undefined;
    // canceled only applies to queued or ringing calls; an in-progress call ignores it. A <Dial>
    // child that is ringing counts as in-progress: "you must use 'Status=completed' to cancel it"
    // (https://www.twilio.com/docs/api/rest/change-call-state).
    if (status === 'canceled' && (!unanswered || rt.call.direction === 'outbound-dial')) return;
    this.endCall(callSid, unanswered ? 'canceled' : 'completed');
  }

  /** The party on this call hangs up (control API). */
  partyHangsUp(callSid: string): boolean {
    const rt = this.runtimes.get(callSid);
    if (!rt) return false;
    // An outbound leg hung up before answering is a declined call (busy); an inbound caller
    // hanging up while Twilio fetches the first TwiML cancels it.
    if (rt.call.answeredAt === undefined) this.endCall(callSid, rt.outbound ? 'busy' : 'canceled');
    else this.endCall(callSid, 'completed');
    return true;
  }

  endCall(callSid: string, status: CallStatus): void {
    const rt = this.runtimes.get(callSid);
    if (!rt || !TERMINAL_STATUSES.has(status)) return;
    this.runtimes.delete(callSid);
    rt.ringTimer?.cancel();
    rt.answerTimer?.cancel();
    const call = rt.call;
    call.endedAt = this.clock.now();
    this.setStatus(call, status);
    const blocker = rt.blocker;
    rt.blocker = undefined;
    blocker?.hungUp();
    rt.main?.stop();
    if (call.answeredAt === undefined) rt.outbound?.unanswered(status);
    this.sendCallEvent(call, 'completed');
  }

  setStatus(call: Call, status: CallStatus): void {
    if (call.status === status) return;
    call.status = status;
    call.updatedAt = this.clock.now();
    this.log.add('call', `${call.direction} ${call.from} -> ${call.to}: ${status}`, call.sid, { status });
  }

  /**
   * Call progress status callbacks (StatusCallbackEvent initiated ringing answered completed;
   * default completed). Every terminal status is reported under "completed".
   */
  sendCallEvent(call: Call, event: CallEvent): void {
    if (!call.statusCallback || !call.statusCallbackEvents.includes(event)) return;
    const params: Record<string, string> = {
      ...this.callParams(call),
      // The initiated event reports CallStatus=initiated (Call status callback docs).
      ...(event === 'initiated' ? { CallStatus: 'initiated' } : {}),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.callbackSequence++),
      Timestamp: new Date(this.clock.epochMs + this.clock.now()).toUTCString(),
    };
    // CallDuration only: `Duration` is not among the status callback parameters of the Call
    // resource docs (https://www.twilio.com/docs/voice/api/call-resource).
    if (event === 'completed') params.CallDuration = String(callDurationSec(call, this.clock.now()));
    this.log.add('callback', `call status callback ${event} (${call.status})`, call.sid);
    this.notify(call.statusCallback, call.statusCallbackMethod, params, `status callback ${event}`, call.sid);
  }

  requireCall(callSid: string): Call {
    const call = this.store.calls.get(callSid);
    if (!call) throw notFound(`Call ${callSid}`);
    return call;
  }
}

/** The owner of a call's own TwiML: runs the verbs that act on the call itself. */
class CallProgram implements SessionOwner {
  constructor(
    private readonly engine: Engine,
    private readonly rt: CallRuntime,
  ) {}

  params(): Record<string, string> {
    return this.engine.callParams(this.rt.call);
  }

  verbStarting(verb: Verb): void {
    const { call } = this.rt;
    this.engine.log.add('twiml', `<${verb.verb}>`, call.sid);
    // "Using <Reject> as the first verb is the only way to prevent Twilio from answering a call."
    if (call.answeredAt === undefined && verb.verb !== 'Reject') {
      call.answeredAt = this.engine.clock.now();
      call.startedAt ??= call.answeredAt;
      this.engine.setStatus(call, 'in-progress');
      this.engine.sendCallEvent(call, 'answered');
    }
  }

  runVerb(verb: Verb): void {
    const { engine, rt } = this;
    const session = rt.main!;
    switch (verb.verb) {
      case 'Hangup':
        engine.endCall(rt.call.sid, 'completed');
        return;
      case 'Reject':
        // "The call ends with a status of busy or no-answer, depending on the reason attribute."
        if (rt.call.answeredAt !== undefined) engine.endCall(rt.call.sid, 'completed');
        else engine.endCall(rt.call.sid, verb.reason === 'busy' ? 'busy' : 'no-answer');
        return;
      case 'Leave':
        // <Leave> outside a queue's waitUrl has nothing to leave.
        session.next();
        return;
      case 'Enqueue':
        engine.queues.enqueue(rt, verb, session);
        return;
      case 'Dial':
        if (verb.target.kind === 'parties') new PartiesDial(engine, rt, verb, verb.target, session).start();
        else if (verb.target.kind === 'conference') engine.conferences.joinFromTwiml(rt, verb, verb.target, session);
        else engine.queues.dialQueue(rt, verb, verb.target, session);
        return;
      default:
        // Audio verbs and Redirect never reach the owner.
        session.next();
    }
  }

  runOut(): void {
    // A document that runs out hangs up the call (TwiML docs: "the call ends").
    this.engine.endCall(this.rt.call.sid, 'completed');
  }

  failed(error: TwimlError): void {
    this.engine.applicationError(this.rt, error);
  }

  keypress(): Keypress | undefined {
    return this.engine.keypressOf(this.rt.call);
  }
}
