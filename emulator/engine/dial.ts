// <Dial> of numbers, clients and SIP URIs: the parent/child bridge and its trap
// (docs/twilio-voice-semantics.md, "Calls bridged with <Dial>").
// twilio-rule: dial-without-action-next-verb, parent-redirect-hangs-up-child, child-redirect-ends-dial,
// twilio-rule: ringing-child-in-progress, dial-call-sid-always
import type { Call, CallStatus } from '../model/call';
import type { Dial, Endpoint, PartiesTarget, TwimlError, Verb } from '../twiml/types';
import type { TimerHandle } from './clock';
import type { CallHost } from './call-host';
import { type Hearing, RINGING, SILENCE } from './hearing';
import type { Blocker, CallRuntime } from './runtime';
import { TwimlSession, type SessionOwner } from './session';
import type { Keypress } from './parties';

/** Twilio hangs up the child of a redirected parent "~170 ms later" (semantics page). */
export const CHILD_HANGUP_DELAY_MS = 170;

/** DialCallStatus values (TwiML <Dial> docs). */
type DialCallStatus = 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export class PartiesDial implements Blocker {
  private ringing: Call[] = [];
  private child: Call | undefined;
  /** The answered leg that runs its <Number url> screening before the bridge. */
  private screening: CallRuntime | undefined;
  /** The leg DialCallSid names when none answered: the last one to end (the first, while none has). */
  private lastLeg: Call | undefined;
  private bridgedAt: number | undefined;
  /** The bridged child was redirected away: DialCallDuration is not sent (see outcome()). */
  private childRedirected = false;
  private lastStatus: DialCallStatus = 'no-answer';
  private done = false;
  private timeLimit: TimerHandle | undefined;

  constructor(
    private readonly engine: CallHost,
    private readonly parent: CallRuntime,
    private readonly verb: Dial,
    private readonly target: PartiesTarget,
    private readonly session: TwimlSession,
  ) {}

  start(): void {
    const { engine, parent, verb } = this;
    parent.blocker = this;
    for (const endpoint of this.target.endpoints) {
      const child = engine.newCall({
        // callerId defaults to the caller's own number (TwiML <Dial> callerId docs).
        from: verb.callerId ?? parent.call.from,
        to: endpoint.address,
        direction: 'outbound-dial',
        parentCallSid: parent.call.sid,
        timeoutSec: verb.timeoutSec,
        statusCallback: endpoint.statusCallback ? this.session.resolve(endpoint.statusCallback) : undefined,
        statusCallbackMethod: endpoint.statusCallbackMethod,
        statusCallbackEvents: endpoint.statusCallbackEvents,
        customParameters: endpoint.customParameters,
      });
      this.ringing.push(child);
      this.lastLeg ??= child;
      const childRt = engine.addRuntime(child);
      childRt.blocker = new RingingLeg(this, childRt);
      engine.dialOut(childRt, {
        answered: () => this.childAnswered(childRt, endpoint),
        unanswered: (status) => this.childUnanswered(child, status),
      });
      if (this.done) return;
    }
  }

  hearing(): Hearing {
    return this.child ? { kind: 'party', callSids: [this.child.sid] } : RINGING;
  }

  /** Redirecting the PARENT hangs up the child ~170 ms later; the Dial action is still requested
   *  (DialCallStatus=completed) but its answer is ignored: only the new TwiML runs. */
  redirected(): void {
    if (this.done) return;
    this.done = true;
    this.timeLimit?.cancel();
    const child = this.child;
    if (child) {
      this.engine.clock.schedule(CHILD_HANGUP_DELAY_MS, () => this.engine.endCall(child.sid, 'completed'));
      this.reportIgnored('completed');
    } else {
      this.cancelRinging();
      this.endScreening();
      this.reportIgnored('canceled');
    }
  }

  /** The caller hung up: the child goes too; Twilio still reports the Dial's outcome. */
  hungUp(): void {
    if (this.done) return;
    this.done = true;
    this.timeLimit?.cancel();
    if (this.child) {
      this.engine.endCall(this.child.sid, 'completed');
      this.reportIgnored('completed');
    } else {
      this.cancelRinging();
      this.endScreening();
      this.reportIgnored('canceled');
    }
  }

  private childAnswered(childRt: CallRuntime, endpoint: Endpoint): void {
    if (this.done || this.child || this.screening) {
      this.engine.endCall(childRt.call.sid, 'completed');
      return;
    }
    if (endpoint.url) {
      this.screen(childRt, endpoint.url, endpoint.method);
      return;
    }
    this.bridge(childRt);
  }

  /**
   * <Number url>: the answered leg runs that TwiML first, "after they answer, but before the
   * parties are connected"; the caller keeps hearing ringing meanwhile
   * (https://www.twilio.com/docs/voice/twiml/number#url). The other legs stop ringing. When the
   * document runs out, the legs are bridged; when the leg hangs up (<Hangup>, its party, or an
   * application error), the caller's <Dial> ends unbridged and the caller goes on.
   */
  private screen(childRt: CallRuntime, url: string, method: 'GET' | 'POST'): void {
    this.screening = childRt;
    this.ringing = this.ringing.filter((c) => c !== childRt.call);
    this.cancelRinging();
    const leg = new ScreeningLeg(this, childRt);
    childRt.blocker = leg;
    leg.session.fetch(this.session.resolve(url), method);
  }

  /** The screening TwiML ran out: the answered leg is connected to the caller. */
  screeningPassed(childRt: CallRuntime): void {
    if (this.screening !== childRt) return;
    this.screening = undefined;
    if (this.done) {
      this.engine.endCall(childRt.call.sid, 'completed');
      return;
    }
    this.bridge(childRt);
  }

  /**
   * The screened leg ended or left before the bridge. (inferred) The caller's <Dial> ends as
   * answered but never bridged: DialCallStatus=completed, DialBridged=false, no DialCallDuration.
   */
  screeningEnded(childRt: CallRuntime): void {
    if (this.screening !== childRt) return;
    this.screening = undefined;
    this.lastLeg = childRt.call;
    if (!this.done) this.finish('completed');
  }

  private endScreening(): void {
    const leg = this.screening;
    this.screening = undefined;
    if (leg) this.engine.endCall(leg.call.sid, 'completed');
  }

  hostOf(): CallHost {
    return this.engine;
  }

  private bridge(childRt: CallRuntime): void {
    this.child = childRt.call;
    this.bridgedAt = this.engine.clock.now();
    this.ringing = this.ringing.filter((c) => c !== childRt.call);
    // The first to answer wins; the others stop ringing (TwiML <Dial>: "simultaneous dialing").
    this.cancelRinging();
    childRt.blocker = new ChildLeg(this, childRt.call.sid, this.parent.call.sid);
    this.engine.log.add('call', `bridged with ${childRt.call.sid}`, this.parent.call.sid);
    this.timeLimit = this.engine.clock.schedule(this.verb.timeLimitSec * 1000, () => this.engine.endCall(childRt.call.sid, 'completed'));
  }

  private childUnanswered(child: Call, status: CallStatus): void {
    this.ringing = this.ringing.filter((c) => c !== child);
    if (this.done || this.child) return;
    this.lastLeg = child;
    this.lastStatus = status === 'busy' || status === 'failed' || status === 'canceled' ? status : 'no-answer';
    if (this.ringing.length === 0) this.finish(this.lastStatus);
  }

  /**
   * A leg that is still ringing was given new TwiML (REST redirect: Twilio treats it as
   * in-progress, https://www.twilio.com/docs/api/rest/change-call-state). It leaves this <Dial>
   * and keeps ringing as a call of its own that runs that TwiML when answered. (inferred) With no
   * other leg left ringing, the parent's Dial ends at once as unanswered: DialCallStatus=no-answer,
   * DialBridged=false, DialCallSid = that leg.
   */
  legRedirectedWhileRinging(legRt: CallRuntime): void {
    const leg = legRt.call;
    this.ringing = this.ringing.filter((c) => c !== leg);
    legRt.outbound = { answered: () => this.engine.runPending(legRt), unanswered: () => undefined };
    if (this.done || this.child) return;
    this.lastLeg = leg;
    if (this.ringing.length === 0) this.finish('no-answer');
  }

  /** The child hung up, or was redirected away: the parent's Dial ends and the parent goes on. */
  childLeft(redirected: boolean): void {
    if (this.done) return;
    this.childRedirected = redirected;
    this.finish('completed');
  }

  private cancelRinging(): void {
    const legs = this.ringing;
    this.ringing = [];
    for (const leg of legs) this.engine.endCall(leg.sid, 'canceled');
  }

  private finish(status: DialCallStatus): void {
    this.done = true;
    this.timeLimit?.cancel();
    const { verb } = this;
    const action = verb.action ? { url: this.session.resolve(verb.action), method: verb.method, params: this.outcome(status) } : undefined;
    this.engine.continueAfter(this.parent.call.sid, action, 'Dial action');
  }

  private reportIgnored(status: DialCallStatus): void {
    if (!this.verb.action) return;
    this.engine.notify(
      this.session.resolve(this.verb.action),
      this.verb.method,
      { ...this.engine.callParams(this.parent.call), ...this.outcome(status) },
      'Dial action (answer ignored)',
      this.parent.call.sid,
    );
  }

  /**
   * The Dial action's parameters (https://www.twilio.com/docs/voice/twiml/dial#action):
   * DialCallSid, "the call sid of the new call leg", whether or not it answered; DialCallDuration
   * for a bridged leg, but "not sent ... if a Child call is redirected to a new TwiML URL before
   * being disconnected".
   */
  private outcome(status: DialCallStatus): Record<string, string> {
    const p: Record<string, string> = { DialCallStatus: status, DialBridged: String(this.bridgedAt !== undefined) };
    const sid = (this.child ?? this.lastLeg)?.sid;
    if (sid) p.DialCallSid = sid;
    if (this.bridgedAt !== undefined && !this.childRedirected) {
      p.DialCallDuration = String(Math.floor((this.engine.clock.now() - this.bridgedAt) / 1000));
    }
    return p;
  }

  isBridgedWith(childSid: string): boolean {
    return !this.done && this.child?.sid === childSid;
  }
}

/** The child side of the bridge: it runs no TwiML and hears its parent. */
class ChildLeg implements Blocker {
  constructor(
    private readonly dial: PartiesDial,
    private readonly childSid: string,
    private readonly parentSid: string,
  ) {}

  hearing(): Hearing {
    return this.dial.isBridgedWith(this.childSid) ? { kind: 'party', callSids: [this.parentSid] } : SILENCE;
  }

  /** Redirecting the CHILD: it leaves the bridge and runs its new TwiML; the parent's Dial ends. */
  redirected(): void {
    this.dial.childLeft(true);
  }

  hungUp(): void {
    this.dial.childLeft(false);
  }
}

/** An answered leg running its <Number url> TwiML: it hears that TwiML, not the caller. */
class ScreeningLeg implements Blocker, SessionOwner {
  readonly session: TwimlSession;
  private over = false;

  constructor(
    private readonly dial: PartiesDial,
    private readonly legRt: CallRuntime,
  ) {
    const engine = dial.hostOf();
    this.session = new TwimlSession(engine, legRt.call.sid, 'whisper', this, 'screening (Number url)');
  }

  hearing(): Hearing {
    return this.session.hearing;
  }

  /** A REST redirect takes the leg out of the screening and out of the <Dial>. */
  redirected(): void {
    this.leave();
  }

  hungUp(): void {
    this.leave();
  }

  private leave(): void {
    if (this.over) return;
    this.over = true;
    this.session.stop();
    this.dial.screeningEnded(this.legRt);
  }

  params(): Record<string, string> {
    return this.dial.hostOf().callParams(this.legRt.call);
  }

  verbStarting(verb: Verb): void {
    this.dial.hostOf().log.add('twiml', `<${verb.verb}>`, this.legRt.call.sid);
  }

  runVerb(verb: Verb): void {
    // The whisper context admits only Hangup among the verbs a session hands its owner.
    if (verb.verb === 'Hangup') this.dial.hostOf().endCall(this.legRt.call.sid, 'completed');
    else this.session.next();
  }

  runOut(): void {
    if (this.over) return;
    this.over = true;
    this.dial.screeningPassed(this.legRt);
  }

  /** The screening TwiML failed: the caller's <Dial> ends now; the leg hears the error and hangs up. */
  failed(error: TwimlError): void {
    if (this.over) return;
    this.over = true;
    this.legRt.blocker = undefined;
    this.dial.screeningEnded(this.legRt);
    this.dial.hostOf().applicationError(this.legRt, error);
  }

  keypress(): Keypress | undefined {
    return this.dial.hostOf().keypressOf(this.legRt.call);
  }
}

/** A leg of the <Dial> that is still ringing: redirecting it takes it out of the Dial. */
class RingingLeg implements Blocker {
  constructor(
    private readonly dial: PartiesDial,
    private readonly legRt: CallRuntime,
  ) {}

  hearing(): Hearing {
    return RINGING;
  }

  redirected(): void {
    this.dial.legRedirectedWhileRinging(this.legRt);
  }

  /** Ending unanswered is reported by the leg's OutboundPlan. */
  hungUp(): void {}
}
