// Read-only views of the engine for tests, the control API and its page.
import type { Call } from '../model/call';
import type { ConferenceStatus, ParticipantStatus } from '../model/conference';
import type { Engine } from './engine';
import type { Hearing } from './hearing';

/** A call as the model holds it (times in emulator clock ms), with what it hears. */
export type CallView = Pick<
  Call,
  'sid' | 'parentCallSid' | 'from' | 'to' | 'direction' | 'status' | 'createdAt' | 'answeredAt' | 'endedAt' | 'customParameters'
> & {
  /** undefined once the call has ended. */
  hears?: Hearing;
};

export interface ParticipantView {
  callSid: string;
  label?: string;
  status: ParticipantStatus;
  hold: boolean;
  muted: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
}

export interface ConferenceView {
  sid: string;
  friendlyName: string;
  status: ConferenceStatus;
  participants: ParticipantView[];
}
export interface QueueMemberView {
  callSid: string;
  position: number;
  waitedMs: number;
}
export interface QueueView {
  sid: string;
  friendlyName: string;
  maxSize: number;
  members: QueueMemberView[];
}

export function callView(engine: Engine, sid: string): CallView | undefined {
  const c = engine.store.calls.get(sid);
  if (!c) return undefined;
  return {
    sid: c.sid,
    parentCallSid: c.parentCallSid,
    from: c.from,
    to: c.to,
    direction: c.direction,
    status: c.status,
    createdAt: c.createdAt,
    answeredAt: c.answeredAt,
    endedAt: c.endedAt,
    hears: engine.hears(c.sid),
    ...(c.customParameters ? { customParameters: c.customParameters } : {}),
  };
}

export function callViews(engine: Engine): CallView[] {
  return [...engine.store.calls.keys()].map((sid) => callView(engine, sid)!);
}

/** Live conferences only (init or in-progress). */
export function conferenceViews(engine: Engine): ConferenceView[] {
  return [...engine.store.conferences.values()]
    .filter((c) => c.status !== 'completed')
    .map((c) => ({
      sid: c.sid,
      friendlyName: c.friendlyName,
      status: c.status,
      participants: [...c.participants.values()].map((p) => ({
        callSid: p.callSid,
        label: p.label,
        status: p.status,
        hold: p.hold,
        muted: p.muted,
        startConferenceOnEnter: p.startConferenceOnEnter,
        endConferenceOnExit: p.endConferenceOnExit,
      })),
    }));
}

export function queueViews(engine: Engine): QueueView[] {
  const now = engine.clock.now();
  return [...engine.store.queues.values()].map((q) => ({
    sid: q.sid,
    friendlyName: q.friendlyName,
    maxSize: q.maxSize,
    members: q.members.map((m, i) => ({ callSid: m.callSid, position: i + 1, waitedMs: now - m.enqueuedAt })),
  }));
}
