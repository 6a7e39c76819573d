// What the hold console says, as pure functions of the data: durations, states, outcomes and
// errors in plain words. No DOM here, so jest tests it directly (tests/unit/console-words.test.ts).

import type { CallState, ListedCall as ListedRecord } from '../../lib/state/call-record';
import { type Hearing, type Hears, whoHearsWhat } from '../../lib/state/hearing';

export type { CallState };

/** One event of a call's record, as GET /calls lists it; types may be added (docs/hold-experience.md). */
export interface ListedEvent {
  type: string;
  party?: string;
  at: string;
  heldFor?: number;
  by?: string;
  id?: string;
}

/**
 * One call as GET /calls lists it (docs/console.md): the record the functions keep, and who hears
 * what (optional here, so that the page also reads an answer without it).
 */
export type ListedCall = Omit<ListedRecord, 'events'> & {
  events: ListedEvent[];
  hears?: Hears;
};

export interface CallsAnswer {
  calls: ListedCall[];
  emulator: boolean;
}

const STATE_WORDS: Record<CallState, string> = {
  waiting: 'waiting in line',
  'ringing-agent': 'ringing the agent',
  talking: 'talking',
  'on-hold': 'on hold',
  'agent-gone': 'agent gone',
};

export function stateInWords(state: CallState): string {
  return STATE_WORDS[state] ?? state;
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** The state as the card says it: a waiting caller's place in line with it. */
export function stateLine(call: Pick<ListedCall, 'state' | 'linePosition'>): string {
  if (call.state === 'waiting' && typeof call.linePosition === 'number') return `waiting in line (${ordinal(call.linePosition)})`;
  return stateInWords(call.state);
}

const HEARING_WORDS: Record<Hearing, string> = {
  ringing: 'ringing',
  music: 'hold music',
  'music-and-reminders': 'hold music and reminders',
  'the-agent': 'the agent',
  'the-caller': 'the caller',
  silence: 'silence',
  nobody: 'nobody: the call is ending',
};

/** What a party hears, in words; null (no agent leg) is "not connected". */
export function hearingInWords(hearing: Hearing | null | undefined): string {
  if (hearing === null) return 'not connected';
  if (hearing === undefined) return 'unknown';
  return HEARING_WORDS[hearing] ?? hearing;
}

const EVENT_WORDS: Record<string, string> = {
  'call-connected': 'connected to the agent',
  'call-summary': 'the call ended',
  hold: 'put on hold',
  resume: 'taken off hold',
  'hang-up': 'hung up while on hold',
  warning: 'the agent was warned of the hold limit',
  'limit-unenforced': 'the hold limit could not be enforced',
  reminder: 'reminded of the wait',
};

/** One event of the call in words: "20:01:05 caller put on hold by the agent's software". */
export function eventInWords(event: ListedEvent, timeOf: (iso: string) => string = clockOf): string {
  const what = EVENT_WORDS[event.type] ?? event.type.replace(/-/g, ' ');
  const party = event.party === 'agent' ? 'agent' : event.party === 'caller' ? 'caller' : '';
  const who = party && (event.type === 'hold' || event.type === 'resume' || event.type === 'hang-up') ? `${party} ` : '';
  const by =
    event.by === 'limit'
      ? ' by the hold limit'
      : event.by === 'api' && (event.type === 'hold' || event.type === 'resume')
        ? " by the agent's software"
        : '';
  const after =
    event.type !== 'hold' && typeof event.heldFor === 'number' && event.heldFor > 0 ? `, after ${duration(event.heldFor)} on hold` : '';
  return `${timeOf(event.at)} ${who}${what}${by}${after}`;
}

function clockOf(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleTimeString();
}

/**
 * What an answer of /hold or /unhold said of a call, and the window in which Twilio applied it:
 * after `appliedAfter`, before `appliedAt` (docs/hold-api.md, "Ordering answers").
 */
export interface AppliedAnswer {
  held: boolean;
  /** Absent from a service older than the field: the window's start is unknown. */
  appliedAfter?: string;
  appliedAt: string;
}

/** X was applied before Y for certain: X's window closed before Y's opened. */
export function appliedBefore(x: AppliedAnswer, y: AppliedAnswer): boolean {
  return y.appliedAfter !== undefined && Date.parse(x.appliedAt) < Date.parse(y.appliedAfter);
}

/** Of a call's answers, those that may have been applied last (none certainly before another). */
export function mayBeLast(answers: AppliedAnswer[]): AppliedAnswer[] {
  return answers.filter((x) => !answers.some((y) => y !== x && appliedBefore(x, y)));
}

/**
 * What a call's answers say of it: the state of the answer applied last, or of all that may have
 * been last when they agree (as of the latest of them); 'unknown' when those disagree (their order
 * is unknown: the next list read says the state); undefined without answers.
 */
export function lastAnswer(answers: AppliedAnswer[]): AppliedAnswer | 'unknown' | undefined {
  const last = mayBeLast(answers);
  if (last.length === 0) return undefined;
  if (last.some((answer) => answer.held !== last[0].held)) return 'unknown';
  return last.reduce((latest, answer) => (Date.parse(answer.appliedAt) > Date.parse(latest.appliedAt) ? answer : latest));
}

/** Said under the call when its answers' order is unknown. */
export const ORDER_UNKNOWN = 'Another hold or resume of this call overlapped this one; the card shows the call as Twilio lists it.';

/**
 * The call as it stands: of the record and the last answer of /hold or /unhold, the record when its
 * `updatedAt` is later than the answer's `appliedAt`, else the answer. Without an `updatedAt` (an
 * older service) the record is taken as it is; an answer is applied only to a call whose caller and
 * agent are connected.
 */
export function newestState(call: ListedCall, answer: AppliedAnswer | undefined): ListedCall {
  if (!answer || call.updatedAt === undefined || (call.state !== 'talking' && call.state !== 'on-hold')) return call;
  if (Date.parse(answer.appliedAt) < Date.parse(call.updatedAt)) return call;
  if ((call.state === 'on-hold') === answer.held) return call;
  const reminders = call.hears ? Object.values(call.hears).includes('music-and-reminders') : false;
  const state: CallState = answer.held ? 'on-hold' : 'talking';
  const next = {
    ...call,
    state,
    holdStartedAt: answer.held ? answer.appliedAt : null,
    totalHoldSeconds: answer.held ? call.totalHoldSeconds : call.totalHoldSeconds + runningHoldSeconds(call, Date.parse(answer.appliedAt)),
    holds: answer.held ? call.holds + 1 : call.holds,
  };
  return { ...next, hears: whoHearsWhat({ mode: call.mode, state, agentHoldStartedAt: call.agentHoldStartedAt }, { reminders }) };
}

/**
 * Whether the record is certainly newer than the answer (the answer can be forgotten): its read of
 * Twilio began after the answer's window closed (the same millisecond orders nothing).
 */
export function recordCaughtUp(call: ListedCall, answer: AppliedAnswer): boolean {
  return call.updatedAt !== undefined && Date.parse(call.updatedAt) > Date.parse(answer.appliedAt);
}

/** 0:07, 12:34, 1:02:03 */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Seconds of the running hold at `now` (0 when not on hold). */
export function runningHoldSeconds(call: ListedCall, now: number): number {
  if (call.state !== 'on-hold' || call.holdStartedAt === null) return 0;
  const start = Date.parse(call.holdStartedAt);
  return Number.isNaN(start) ? 0 : Math.max(0, Math.floor((now - start) / 1000));
}

export function totalHoldSeconds(call: ListedCall, now: number): number {
  return call.totalHoldSeconds + runningHoldSeconds(call, now);
}

/** The agent as a person reads it: a number as is, client:alice as "alice (browser)". */
export function agentInWords(agent: string): string {
  if (agent.startsWith('client:')) return `${agent.slice('client:'.length)} (browser)`;
  if (/^sips?:/i.test(agent)) return `${agent} (SIP)`;
  return agent;
}

export function callName(call: Pick<ListedCall, 'from'>): string {
  return `call from ${call.from || 'an unknown number'}`;
}

/** What the aria-live region says when a call's state changes (undefined: nothing worth saying). */
export function announcement(before: ListedCall | undefined, after: ListedCall | undefined): string | undefined {
  if (!before && after) return `New ${callName(after)}, ${stateLine(after)}.`;
  if (before && !after) return `The ${callName(before)} has ended.`;
  if (!before || !after || before.state === after.state) return undefined;
  const name = callName(after);
  const capital = name[0].toUpperCase() + name.slice(1);
  switch (after.state) {
    case 'on-hold':
      return `${capital} is on hold.`;
    case 'talking':
      return before.state === 'on-hold' ? `${capital} is back with the agent.` : `${capital} is talking to the agent.`;
    case 'agent-gone':
      return `The agent has left the ${name}.`;
    case 'waiting':
      return `${capital} is ${stateLine(after)}.`;
    case 'ringing-agent':
      return before.state === 'waiting' ? `${capital} is ringing the agent.` : undefined;
  }
}

/** An answer of the functions: its status and parsed JSON body (or undefined for no answer). */
export interface Answer {
  status: number;
  body?: { error?: string; message?: string; outcome?: string };
}

/** A failed request in words. 401 is the one the page acts on (it asks for the token again). */
export function errorInWords(answer: Answer | undefined): string {
  if (!answer) return 'Could not reach the service. Check the connection; it will be tried again.';
  const detail = answer.body?.message ? ` (${answer.body.message})` : '';
  switch (answer.status) {
    case 401:
      return 'That token was refused.';
    case 400:
      return `The request was not accepted${detail}.`;
    case 404:
      return `That call is not live any more${detail}.`;
    case 409:
      return `Not possible right now${detail}.`;
    case 502:
      return `Twilio did not do it${detail}. Nothing changed; try again.`;
    case 504:
      return `No answer in time; the call may or may not have changed${detail}.`;
    case 500:
      return `The service is not set up right${detail}.`;
    default:
      return `Something went wrong (HTTP ${answer.status})${detail}.`;
  }
}

export type Action = 'hold' | 'unhold';

export function actionFor(call: ListedCall): Action {
  return call.state === 'on-hold' ? 'unhold' : 'hold';
}

/** Hold or Resume can be asked for when the caller and the agent are connected. */
export function actionPossible(call: ListedCall): boolean {
  return call.state === 'talking' || call.state === 'on-hold';
}

export function outcomeInWords(action: Action, held: boolean): string {
  if (action === 'hold') return held ? 'On hold.' : 'Not on hold.';
  return held ? 'Still on hold.' : 'Resumed.';
}
