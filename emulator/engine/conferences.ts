// Conferences: joins by <Dial><Conference> and by the Participants REST resource, the start rule,
// hold and resume, endConferenceOnExit, and conference status callbacks
// (docs/twilio-voice-semantics.md, "Conference participants" and "Conferences").
// twilio-rule: participant-hold-holdurl, holdurl-fetched-each-hold, holdurl-twiml-verbs, holdurl-runs-out-silence,
// twilio-rule: participant-hold-per-participant, participant-announcement, participant-redirected-gone, end-conference-on-exit
import type { CallStatus } from '../model/call';
import type { Conference, ConferenceCallbacks, Participant } from '../model/conference';
import { isSid, newSid } from '../model/sid';
import type { CallEvent, ConferenceNoun, Dial, HttpMethod } from '../twiml/types';
import { PlaybackOwner } from './audio-owner';
import type { CallHost } from './call-host';
import { TwilioApiError, notFound } from './errors';
import { DEFAULT_MUSIC_URL, type Hearing, SILENCE } from './hearing';
import type { Blocker, CallRuntime } from './runtime';
import { TwimlSession } from './session';

export interface NewParticipant {
  from: string;
  to: string;
  label?: string;
  timeoutSec: number;
  statusCallback?: string;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvents: CallEvent[];
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  muted: boolean;
  beep: string;
  hold: boolean;
  holdUrl?: string;
  holdMethod: HttpMethod;
  waitUrl?: string;
  waitMethod: HttpMethod;
  coaching: boolean;
  callSidToCoach?: string;
  conferenceStatusCallback?: string;
  conferenceStatusCallbackMethod: HttpMethod;
  conferenceStatusCallbackEvents: string[];
}

export interface ParticipantChanges {
  hold?: boolean;
  holdUrl?: string;
  holdMethod?: HttpMethod;
  muted?: boolean;
  endConferenceOnExit?: boolean;
  coaching?: boolean;
  callSidToCoach?: string;
  waitUrl?: string;
  waitMethod?: HttpMethod;
  announceUrl?: string;
  announceMethod?: HttpMethod;
}

/** ReasonParticipantLeft values (Conference status callback docs). */
type LeaveReason =
  | 'participant_hung_up'
  | 'participant_updated_via_api'
  | 'participant_was_kicked'
  | 'conference_ended_via_api'
  | 'participant_with_end_conference_on_exit_left';

/** How the participant got in decides how it goes on when it is put out. */
type Origin = { kind: 'twiml'; verb: Dial; resolve: (url: string) => string } | { kind: 'rest' };

/**
 * "We always add a 5-second timeout buffer to outgoing calls, so value of 10 would result in an
 * actual timeout that was closer to 15 seconds" (Participant resource, Timeout:
 * https://www.twilio.com/docs/voice/api/conference-participant-resource#request-body-parameters).
 */
export const PARTICIPANT_TIMEOUT_BUFFER_SEC = 5;

export class ConferenceService {
  private readonly seats = new Map<string, Seat>();

  constructor(private readonly engine: CallHost) {}

  // --- joining ---------------------------------------------------------------------------------

  joinFromTwiml(rt: CallRuntime, verb: Dial, noun: ConferenceNoun, session: TwimlSession): void {
    const conf = this.store().liveConferenceNamed(noun.name) ?? this.create(noun.name, noun.maxParticipants);
    if (noun.participantLabel !== undefined && this.labelTaken(conf, noun.participantLabel)) {
      // "participantLabel (unique; a duplicate is error 16025 and the call goes on to the next verb)".
      this.engine.log.add(
        'error',
        `error 16025: participant label "${noun.participantLabel}" is already in use in ${conf.sid}`,
        rt.call.sid,
        { code: 16025 },
      );
      session.next();
      return;
    }
    if (conf.participants.size >= conf.maxParticipants) {
      this.engine.log.add('error', `conference ${conf.sid} is full (maxParticipants ${conf.maxParticipants})`, rt.call.sid);
      session.next();
      return;
    }
    const p = this.newParticipant(conf, rt.call.sid, {
      label: noun.participantLabel,
      muted: noun.muted,
      beep: noun.beep,
      hold: false,
      holdMethod: 'GET',
      startConferenceOnEnter: noun.startConferenceOnEnter,
      endConferenceOnExit: noun.endConferenceOnExit,
      waitUrl: noun.waitUrl === undefined || noun.waitUrl === '' ? noun.waitUrl : session.resolve(noun.waitUrl),
      waitMethod: noun.waitMethod,
      coaching: false,
    });
    if (noun.statusCallback) {
      this.offerCallbacks(conf, {
        url: session.resolve(noun.statusCallback),
        method: noun.statusCallbackMethod,
        events: new Set(noun.statusCallbackEvents),
      });
    } else {
      this.offerCallbacks(conf, undefined);
    }
    this.seat(rt, p, conf, { kind: 'twiml', verb, resolve: (u) => session.resolve(u) });
  }

  /** REST create: an outbound call that joins when answered. `conferenceRef` is a CF SID or a friendly name. */
  createParticipant(conferenceRef: string, spec: NewParticipant): Participant {
    const store = this.store();
    let conf: Conference | undefined;
    if (isSid(conferenceRef, 'CF')) {
      conf = store.conferences.get(conferenceRef);
      if (!conf || conf.status === 'completed') throw new TwilioApiError(404, 16003, 'Could not recognize conference sid or friendly name');
    } else {
      // "The path value may be the conference FRIENDLY NAME; the conference is created if it does not exist."
      conf = store.liveConferenceNamed(conferenceRef) ?? this.create(conferenceRef, 250);
    }
    if (spec.label !== undefined && this.labelTaken(conf, spec.label)) {
      throw new TwilioApiError(400, 16025, `Participant label ${spec.label} already exists in conference ${conf.sid}`);
    }
    const engine = this.engine;
    const call = engine.newCall({
      from: spec.from,
      to: spec.to,
      direction: 'outbound-api',
      timeoutSec: spec.timeoutSec + PARTICIPANT_TIMEOUT_BUFFER_SEC,
      statusCallback: spec.statusCallback,
      statusCallbackMethod: spec.statusCallbackMethod,
      statusCallbackEvents: spec.statusCallbackEvents,
    });
    const p = this.newParticipant(conf, call.sid, { ...spec, status: 'queued' });
    this.offerCallbacks(
      conf,
      spec.conferenceStatusCallback
        ? {
            url: spec.conferenceStatusCallback,
            method: spec.conferenceStatusCallbackMethod,
            events: new Set(spec.conferenceStatusCallbackEvents),
          }
        : undefined,
    );
    const rt = engine.addRuntime(call);
    const joining = conf;
    engine.startPaced(rt, {
      ringing: () => {
        p.status = 'ringing';
        p.updatedAt = engine.clock.now();
      },
      answered: () => {
        if (joining.status === 'completed' || !joining.participants.has(call.sid)) {
          engine.endCall(call.sid, 'completed');
          return;
        }
        this.seat(rt, p, joining, { kind: 'rest' });
      },
      unanswered: (status) => this.notJoined(joining, p, status),
    });
    p.queueTimeMs = call.queueTimeMs;
    return p;
  }

  // --- REST reads and changes ------------------------------------------------------------------

  requireConference(sid: string): Conference {
    const conf = this.store().conferences.get(sid);
    if (!conf) throw notFound(`Conference ${sid}`);
    return conf;
  }

  /** By call SID or by label: the participant list shows live participants only. */
  requireParticipant(conferenceSid: string, callSidOrLabel: string): Participant {
    const conf = this.requireConference(conferenceSid);
    const p = conf.participants.get(callSidOrLabel) ?? [...conf.participants.values()].find((x) => x.label === callSidOrLabel);
    if (!p) throw notFound(`Participant ${callSidOrLabel}`);
    return p;
  }

  updateParticipant(conferenceSid: string, callSidOrLabel: string, changes: ParticipantChanges): Participant {
    const p = this.requireParticipant(conferenceSid, callSidOrLabel);
    const conf = this.requireConference(conferenceSid);
    const now = this.engine.clock.now();
    const seat = this.seats.get(p.callSid);
    if (changes.endConferenceOnExit !== undefined) {
      // "A change of EndConferenceOnExit on a HELD participant is silently ignored" (flex-dialpad-addon #60).
      if (!p.hold) p.endConferenceOnExit = changes.endConferenceOnExit;
    }
    if (changes.coaching !== undefined) p.coaching = changes.coaching;
    if (changes.callSidToCoach !== undefined) p.callSidToCoach = changes.callSidToCoach;
    if (changes.waitUrl !== undefined) p.waitUrl = changes.waitUrl;
    if (changes.waitMethod !== undefined) p.waitMethod = changes.waitMethod;
    if (changes.announceUrl) {
      // Played to this participant only; the others go on hearing the conference (Participant, AnnounceUrl).
      if (seat) seat.announce(changes.announceUrl, changes.announceMethod ?? 'POST');
      else
        this.engine.log.add('conference', `announcement ${changes.announceUrl} not played: the participant has not joined yet`, p.callSid);
    }
    if (changes.muted !== undefined && changes.muted !== p.muted) {
      p.muted = changes.muted;
      this.event(conf, p.muted ? 'participant-mute' : 'participant-unmute', p);
    }
    const holdUrlChanged = changes.holdUrl !== undefined && changes.holdUrl !== p.holdUrl;
    if (changes.holdUrl !== undefined) p.holdUrl = changes.holdUrl;
    if (changes.holdMethod !== undefined) p.holdMethod = changes.holdMethod;
    if (changes.hold !== undefined && changes.hold !== p.hold) {
      p.hold = changes.hold;
      this.engine.log.add('conference', `${p.hold ? 'hold' : 'unhold'} in ${conf.sid}`, p.callSid);
      seat?.holdChanged();
      this.event(conf, p.hold ? 'participant-hold' : 'participant-unhold', p);
    } else if (p.hold && holdUrlChanged) {
      seat?.holdChanged();
    }
    p.updatedAt = now;
    return p;
  }

  /** REST delete: the participant is put out of the conference (kicked). */
  removeParticipant(conferenceSid: string, callSidOrLabel: string): void {
    const p = this.requireParticipant(conferenceSid, callSidOrLabel);
    const seat = this.seats.get(p.callSid);
    if (seat) seat.putOut('participant_was_kicked');
    else this.engine.endCall(p.callSid, 'canceled');
  }

  /** REST update Status=completed: ends the conference and hangs up everyone (Conference docs). */
  endByApi(conferenceSid: string): Conference {
    const conf = this.requireConference(conferenceSid);
    if (conf.status !== 'completed') this.end(conf, 'conference-ended-via-api', undefined);
    return conf;
  }

  // --- internals -------------------------------------------------------------------------------

  private store() {
    return this.engine.store;
  }

  private create(friendlyName: string, maxParticipants: number): Conference {
    const now = this.engine.clock.now();
    const conf: Conference = {
      sid: newSid('CF'),
      accountSid: this.engine.accountSid,
      friendlyName,
      status: 'init',
      createdAt: now,
      updatedAt: now,
      participants: new Map(),
      callbackSequence: 1,
      everJoined: false,
      maxParticipants,
    };
    this.store().addConference(conf);
    this.engine.log.add('conference', `conference ${friendlyName} created (${conf.sid})`);
    return conf;
  }

  /** "statusCallback / statusCallbackEvent (only the FIRST participant's values count)". */
  private offerCallbacks(conf: Conference, callbacks: ConferenceCallbacks | undefined): void {
    if (conf.participants.size === 1) conf.callbacks = callbacks;
  }

  private labelTaken(conf: Conference, label: string): boolean {
    for (const p of conf.participants.values()) if (p.label === label) return true;
    return false;
  }

  private newParticipant(
    conf: Conference,
    callSid: string,
    o: Pick<
      Participant,
      'muted' | 'beep' | 'hold' | 'holdMethod' | 'startConferenceOnEnter' | 'endConferenceOnExit' | 'waitMethod' | 'coaching'
    > &
      Partial<Pick<Participant, 'label' | 'holdUrl' | 'waitUrl' | 'callSidToCoach' | 'status'>>,
  ): Participant {
    const now = this.engine.clock.now();
    const p: Participant = {
      callSid,
      conferenceSid: conf.sid,
      accountSid: conf.accountSid,
      label: o.label,
      status: o.status ?? 'connected',
      muted: o.muted,
      hold: o.hold,
      holdUrl: o.holdUrl,
      holdMethod: o.holdMethod,
      coaching: o.coaching,
      callSidToCoach: o.callSidToCoach,
      startConferenceOnEnter: o.startConferenceOnEnter,
      endConferenceOnExit: o.endConferenceOnExit,
      beep: o.beep,
      waitUrl: o.waitUrl,
      waitMethod: o.waitMethod,
      createdAt: now,
      updatedAt: now,
    };
    conf.participants.set(callSid, p);
    return p;
  }

  private seat(rt: CallRuntime, p: Participant, conf: Conference, origin: Origin): void {
    const seat = new Seat(this, this.engine, rt, p, conf, origin);
    this.seats.set(rt.call.sid, seat);
    rt.blocker = seat;
    p.status = 'connected';
    p.updatedAt = this.engine.clock.now();
    conf.everJoined = true;
    this.engine.log.add('conference', `joined ${conf.friendlyName} (${conf.sid})`, rt.call.sid);
    this.event(conf, 'participant-join', p);
    if (p.hold) seat.holdChanged();
    this.maybeStart(conf);
    if (conf.status === 'init') seat.startWaiting();
  }

  /** "A conference starts when at least two participants are in it and one has startConferenceOnEnter=true." */
  private maybeStart(conf: Conference): void {
    if (conf.status !== 'init') return;
    const connected = [...conf.participants.values()].filter((p) => p.status === 'connected');
    if (connected.length < 2 || !connected.some((p) => p.startConferenceOnEnter)) return;
    conf.status = 'in-progress';
    conf.updatedAt = this.engine.clock.now();
    this.engine.log.add('conference', `conference ${conf.friendlyName} started (${conf.sid})`);
    for (const p of connected) this.seats.get(p.callSid)?.stopWaiting();
    this.event(conf, 'conference-start');
  }

  private notJoined(conf: Conference, p: Participant, status: CallStatus): void {
    if (!conf.participants.delete(p.callSid)) return;
    p.status = status === 'failed' ? 'failed' : 'complete';
    this.event(conf, 'participant-leave', p, { ReasonParticipantLeft: 'participant_hung_up', ParticipantCallStatus: status });
    if (conf.status !== 'completed' && conf.participants.size === 0) this.end(conf, 'last-participant-left', p.callSid);
  }

  /** Called by a seat as its participant leaves, whatever the reason. */
  left(seat: Seat, reason: LeaveReason): void {
    const { participant: p, conf } = seat;
    this.seats.delete(p.callSid);
    conf.participants.delete(p.callSid);
    p.status = 'complete';
    p.updatedAt = this.engine.clock.now();
    const call = this.engine.store.calls.get(p.callSid);
    this.engine.log.add('conference', `left ${conf.friendlyName} (${reason})`, p.callSid);
    this.event(conf, 'participant-leave', p, { ReasonParticipantLeft: reason, ParticipantCallStatus: call?.status ?? 'completed' });
    if (conf.status === 'completed') return;
    if (p.endConferenceOnExit) this.end(conf, 'participant-with-end-conference-on-exit-left', p.callSid);
    else if (conf.participants.size === 0) this.end(conf, 'last-participant-left', p.callSid);
  }

  private end(conf: Conference, reason: string, endingCallSid: string | undefined): void {
    conf.status = 'completed';
    conf.updatedAt = this.engine.clock.now();
    conf.reasonEnded = reason;
    conf.callSidEndingConference = endingCallSid;
    this.store().retireConferenceName(conf);
    this.engine.log.add('conference', `conference ${conf.friendlyName} ended: ${reason}`);
    const ending = endingCallSid ? this.engine.store.calls.get(endingCallSid) : undefined;
    const endingLabel = ending ? conf.participants.get(ending.sid)?.label : undefined;
    const extra: Record<string, string> = { ReasonConferenceEnded: reason };
    if (endingCallSid) extra.CallSidEndingConference = endingCallSid;
    if (endingLabel) extra.ParticipantLabelEndingConference = endingLabel;
    const leaveReason: LeaveReason =
      reason === 'conference-ended-via-api' ? 'conference_ended_via_api' : 'participant_with_end_conference_on_exit_left';
    for (const p of [...conf.participants.values()]) {
      const seat = this.seats.get(p.callSid);
      if (seat) seat.putOut(leaveReason);
      else {
        conf.participants.delete(p.callSid);
        this.engine.endCall(p.callSid, 'canceled');
      }
    }
    this.event(conf, 'conference-end', undefined, extra);
  }

  /** Conference status callbacks, to the first participant's statusCallback, for subscribed events. */
  event(conf: Conference, event: string, p?: Participant, extra: Record<string, string> = {}): void {
    const cb = conf.callbacks;
    if (!cb) return;
    const keyword = SUBSCRIPTION[event];
    if (!keyword || !cb.events.has(keyword)) return;
    const params: Record<string, string> = {
      AccountSid: conf.accountSid,
      ConferenceSid: conf.sid,
      FriendlyName: conf.friendlyName,
      StatusCallbackEvent: event,
      SequenceNumber: String(conf.callbackSequence++),
      Timestamp: new Date(this.engine.clock.epochMs + this.engine.clock.now()).toUTCString(),
      ...extra,
    };
    if (p) {
      Object.assign(params, {
        CallSid: p.callSid,
        Muted: String(p.muted),
        Hold: String(p.hold),
        Coaching: String(p.coaching),
        EndConferenceOnExit: String(p.endConferenceOnExit),
        StartConferenceOnEnter: String(p.startConferenceOnEnter),
      });
      if (p.label !== undefined) params.ParticipantLabel = p.label;
    }
    this.engine.log.add('callback', `conference status callback ${event}`, p?.callSid, { conferenceSid: conf.sid });
    this.engine.notify(cb.url, cb.method, params, `conference ${event}`, p?.callSid);
  }

  seatOf(callSid: string): Seat | undefined {
    return this.seats.get(callSid);
  }
}

/** Which statusCallbackEvent keyword subscribes to which event (TwiML <Conference> docs). */
const SUBSCRIPTION: Record<string, string> = {
  'conference-start': 'start',
  'conference-end': 'end',
  'participant-join': 'join',
  'participant-leave': 'leave',
  'participant-mute': 'mute',
  'participant-unmute': 'mute',
  'participant-hold': 'hold',
  'participant-unhold': 'hold',
  'participant-modify': 'modify',
  'participant-speech-start': 'speaker',
  'participant-speech-stop': 'speaker',
  'announcement-end': 'announcement',
  'announcement-fail': 'announcement',
};

/** A call's place in a conference: what it hears, and how it leaves. */
export class Seat implements Blocker {
  private holdSession: TwimlSession | undefined;
  private announcement: TwimlSession | undefined;
  private waitSession: TwimlSession | undefined;
  private gone = false;

  constructor(
    private readonly service: ConferenceService,
    private readonly engine: CallHost,
    private readonly rt: CallRuntime,
    readonly participant: Participant,
    readonly conf: Conference,
    private readonly origin: Origin,
  ) {}

  hearing(): Hearing {
    const p = this.participant;
    // An announcement plays over whatever the participant heard (the conference, or its hold).
    if (this.announcement) return this.announcement.hearing;
    if (p.hold) {
      // "Without HoldUrl Twilio plays its default hold music."
      return this.holdSession?.hearing ?? { kind: 'music', url: DEFAULT_MUSIC_URL };
    }
    if (this.conf.status === 'init') {
      // "until then the participants hear waitUrl (default: Twilio's classical playlist; "" = silence)".
      if (p.waitUrl === undefined) return { kind: 'music', url: DEFAULT_MUSIC_URL };
      return this.waitSession?.hearing ?? SILENCE;
    }
    const others: string[] = [];
    for (const o of this.conf.participants.values()) {
      if (o !== p && o.status === 'connected' && !o.hold && !o.muted) others.push(o.callSid);
    }
    return others.length > 0 ? { kind: 'party', callSids: others } : SILENCE;
  }

  holdChanged(): void {
    this.holdSession?.stop();
    this.holdSession = undefined;
    const p = this.participant;
    if (!p.hold || !p.holdUrl) return;
    this.holdSession = this.playback('hold', 'holdUrl');
    this.holdSession.fetch(p.holdUrl, p.holdMethod);
  }

  /**
   * AnnounceUrl on this participant: the document (MP3/WAV, or TwiML of Play, Say, Pause, Redirect)
   * plays to it once, then it hears what it heard before; `announcement-end` (or `-fail`) is sent
   * to the conference status callback of a subscriber of `announcement`.
   */
  announce(url: string, method: HttpMethod): void {
    this.announcement?.stop();
    const end = (event: 'announcement-end' | 'announcement-fail'): void => {
      if (this.announcement !== session) return;
      this.announcement = undefined;
      if (!this.gone) this.service.event(this.conf, event, this.participant);
    };
    const owner = new PlaybackOwner(
      this.engine.log,
      this.rt.call.sid,
      () => ({
        ...this.engine.callParams(this.rt.call),
        ConferenceSid: this.conf.sid,
        FriendlyName: this.conf.friendlyName,
      }),
      () => end('announcement-end'),
    );
    const failed = owner.failed.bind(owner);
    owner.failed = (error) => {
      failed(error);
      end('announcement-fail');
    };
    const session = new TwimlSession(this.engine, this.rt.call.sid, 'announcement', owner, 'AnnounceUrl');
    owner.session = session;
    this.announcement = session;
    this.engine.log.add('conference', `announcement ${url} to ${this.rt.call.sid}`, this.rt.call.sid);
    session.fetch(url, method);
  }

  startWaiting(): void {
    const url = this.participant.waitUrl;
    if (!url) return;
    this.waitSession = this.playback('conference-wait', 'waitUrl');
    this.waitSession.fetch(url, this.participant.waitMethod);
  }

  stopWaiting(): void {
    this.waitSession?.stop();
    this.waitSession = undefined;
  }

  private playback(context: 'hold' | 'conference-wait', purpose: string): TwimlSession {
    const owner = new PlaybackOwner(this.engine.log, this.rt.call.sid, () => ({
      ...this.engine.callParams(this.rt.call),
      ConferenceSid: this.conf.sid,
      FriendlyName: this.conf.friendlyName,
    }));
    const session = new TwimlSession(this.engine, this.rt.call.sid, context, owner, purpose);
    owner.session = session;
    return session;
  }

  /** The call's TwiML was replaced: it leaves; the participant is gone (fetch answers 404). */
  redirected(): void {
    if (!this.leave('participant_updated_via_api')) return;
    this.reportIgnored();
  }

  hungUp(): void {
    if (!this.leave('participant_hung_up')) return;
    this.reportIgnored();
  }

  /** Kicked, or the conference ended: the call goes on after its <Dial> (a REST participant hangs up). */
  putOut(reason: LeaveReason): void {
    if (!this.leave(reason)) return;
    const o = this.origin;
    const action =
      o.kind === 'twiml' && o.verb.action
        ? { url: o.resolve(o.verb.action), method: o.verb.method, params: { DialCallStatus: 'completed' } }
        : undefined;
    this.engine.continueAfter(this.rt.call.sid, action, 'Dial action');
  }

  private leave(reason: LeaveReason): boolean {
    if (this.gone) return false;
    this.gone = true;
    this.holdSession?.stop();
    this.announcement?.stop();
    this.announcement = undefined;
    this.stopWaiting();
    this.service.left(this, reason);
    return true;
  }

  /** "The Dial's action is requested after the participant leaves"; a call that is gone or runs
   *  new TwiML ignores the answer (inferred from the parent-redirect rule of <Dial>). */
  private reportIgnored(): void {
    const o = this.origin;
    if (o.kind !== 'twiml' || !o.verb.action) return;
    this.engine.notify(
      o.resolve(o.verb.action),
      o.verb.method,
      { ...this.engine.callParams(this.rt.call), DialCallStatus: 'completed' },
      'Dial action (answer ignored)',
      this.rt.call.sid,
    );
  }
}
