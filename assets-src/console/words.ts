// What the hold console says, as pure functions of the data: durations, states, outcomes and
// errors in plain words. No DOM here, so jest tests it directly (tests/unit/console-words.test.ts).

import type { CallState, ListedCall as ListedRecord } from '../../lib/state/call-record';

export type { CallState };

/** One call as GET /calls lists it (docs/console.md): the record the functions keep. */
export type ListedCall = ListedRecord;

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
  return STATE_WORDS[state];
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
  if (!before && after) return `New ${callName(after)}, ${stateInWords(after.state)}.`;
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
    case 'ringing-agent':
      return undefined;
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
