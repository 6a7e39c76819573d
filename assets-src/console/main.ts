// The hold console page (assets/index.html): sign in with the HOLD_API_TOKEN once, then the live
// calls from GET /calls, kept current by a long poll, with who hears what, the hold timer, the
// call's events, the line of waiting callers, Hold/Resume per call and, on the local emulator only,
// test-call controls. Compiled by scripts/build.ts into ONE file, dist/assets/console.js.
import {
  type Action,
  type AppliedAnswer,
  type Answer,
  type CallsAnswer,
  type ListedCall,
  actionFor,
  actionPossible,
  agentInWords,
  announcement,
  callName,
  duration,
  errorInWords,
  eventInWords,
  hearingInWords,
  lastAnswer,
  mayBeLast,
  newestState,
  ORDER_UNKNOWN,
  ordinal,
  outcomeInWords,
  recordCaughtUp,
  runningHoldSeconds,
  stateLine,
  totalHoldSeconds,
} from './words';

/**
 * Each GET /calls waits up to this long for a change (looking every 2 s, so a change shows within
 * about 2 s) and answers 304 when none came: one invocation per 8 s instead of one per 2 s
 * (docs/console.md: what it costs).
 */
const WAIT_SECONDS = 8;
/** After a failed read, the next one waits this long. */
const RETRY_MS = 2000;
const TOKEN_KEY = 'hold-console-token';

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
};

const page = {
  signIn: $<HTMLElement>('sign-in'),
  tokenForm: $<HTMLFormElement>('token-form'),
  token: $<HTMLInputElement>('token'),
  tokenError: $<HTMLElement>('token-error'),
  console: $<HTMLElement>('console'),
  signOut: $<HTMLButtonElement>('sign-out'),
  refreshStatus: $<HTMLElement>('refresh-status'),
  emulatorControls: $<HTMLElement>('emulator-controls'),
  placeCall: $<HTMLButtonElement>('place-call'),
  placeCallOutcome: $<HTMLElement>('place-call-outcome'),
  listError: $<HTMLElement>('list-error'),
  noCalls: $<HTMLElement>('no-calls'),
  line: $<HTMLElement>('line'),
  calls: $<HTMLUListElement>('calls'),
  announcer: $<HTMLElement>('announcer'),
};

let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let calls = new Map<string, ListedCall>();
/** False until the first list is shown: the calls already there are not announced as new. */
let listShown = false;
let emulator = false;
/** The ETag of the list shown: the long poll's If-None-Match. */
let etag: string | null = null;
/** Bumped to end the running poll loop (sign-out, hidden tab, or a fresh read after an action). */
let pollLoop = 0;
let pollAbort: AbortController | undefined;
/** Calls whose Hold/Resume request is running: their button stays disabled through refreshes. */
const running = new Set<string>();
/**
 * Per call, the answers of /hold and /unhold that may have been applied last, until a record is
 * newer than them (docs/hold-api.md, "Ordering answers").
 */
const answers = new Map<string, AppliedAnswer[]>();
/** The records as GET /calls last gave them, before answers newer than them are applied. */
let records = new Map<string, ListedCall>();

// ---- talking to the functions ------------------------------------------------------------------

interface RequestOptions {
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function request(path: string, options: RequestOptions = {}): Promise<(Answer & { etag: string | null }) | undefined> {
  const { form } = options;
  try {
    const response = await fetch(path, {
      method: form ? 'POST' : 'GET',
      headers: {
        Authorization: `Bearer ${token ?? ''}`,
        ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        ...options.headers,
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
      cache: 'no-store',
      signal: options.signal,
    });
    const body = (await response.json().catch(() => undefined)) as Answer['body'];
    return { status: response.status, body, etag: response.headers.get('ETag') };
  } catch {
    return undefined;
  }
}

function announce(text: string): void {
  // Cleared first, so the same words twice in a row are announced twice.
  page.announcer.textContent = '';
  window.setTimeout(() => (page.announcer.textContent = text), 50);
}

// ---- signing in and out ------------------------------------------------------------------------

function showSignIn(message = ''): void {
  stopPolling();
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  calls = new Map();
  records = new Map();
  answers.clear();
  etag = null;
  listShown = false;
  page.calls.replaceChildren();
  page.console.hidden = true;
  page.signIn.hidden = false;
  page.tokenError.textContent = message;
  page.token.value = '';
  page.token.focus();
}

function showConsole(): void {
  page.signIn.hidden = true;
  page.tokenError.textContent = '';
  page.console.hidden = false;
}

page.tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const given = page.token.value.trim();
  if (!given) return;
  token = given;
  void refresh(0).then((outcome) => {
    if (outcome !== 'ok') return;
    // Kept for this tab only: never in a URL or a cookie (sessionStorage ends with the tab).
    sessionStorage.setItem(TOKEN_KEY, given);
    showConsole();
    page.signOut.focus();
    startPolling();
  });
});

page.signOut.addEventListener('click', () => showSignIn());

// ---- the list ----------------------------------------------------------------------------------

type ReadOutcome = 'ok' | 'signed-out' | 'failed' | 'aborted';

/**
 * One GET /calls: with `wait` > 0 and the ETag of the list shown, the service answers when the
 * list changes (200) or after `wait` seconds (304, nothing to do). 'signed-out': the token was
 * refused (the sign-in form shows).
 */
async function refresh(wait: number, signal?: AbortSignal): Promise<ReadOutcome> {
  const headers: Record<string, string> = etag && listShown ? { 'If-None-Match': etag } : {};
  const answer = await request(`calls?wait=${wait}`, { headers, signal });
  if (signal?.aborted) return 'aborted';
  if (answer?.status === 401) {
    showSignIn(errorInWords(answer));
    return 'signed-out';
  }
  if (answer?.status === 304) {
    page.listError.textContent = '';
    showFreshness();
    return 'ok';
  }
  if (!answer || answer.status !== 200) {
    const words = errorInWords(answer);
    // Signing in: the form says why. Signed in: the list says so and keeps trying.
    if (!page.signIn.hidden) {
      page.tokenError.textContent = words;
      return 'failed';
    }
    page.listError.textContent = `The list could not be refreshed: ${words}`;
    return 'failed';
  }
  page.listError.textContent = '';
  etag = answer.etag;
  const data = answer.body as unknown as CallsAnswer;
  records = new Map(data.calls.map((call) => [call.callSid, call]));
  show(data);
  return 'ok';
}

function showFreshness(): void {
  page.refreshStatus.textContent = `Live: a change shows within about 2 s. Checked at ${new Date().toLocaleTimeString()}.`;
}

/** The records with the answers of /hold and /unhold that are newer than them applied. */
function current(data: CallsAnswer): CallsAnswer {
  const list = data.calls.map((call) => {
    const newer = (answers.get(call.callSid) ?? []).filter((answer) => !recordCaughtUp(call, answer));
    if (newer.length > 0) answers.set(call.callSid, newer);
    else answers.delete(call.callSid);
    // Answers in an unknown order: the record, until a read that began after them replaces them.
    const last = lastAnswer(newer);
    return last === 'unknown' ? call : newestState(call, last);
  });
  return { ...data, calls: list };
}

function show(fromService: CallsAnswer): void {
  const data = current(fromService);
  emulator = data.emulator === true;
  page.emulatorControls.hidden = !emulator;
  const next = new Map(data.calls.map((call) => [call.callSid, call]));
  const said: string[] = [];
  for (const [sid, before] of calls) {
    if (!next.has(sid)) {
      const words = announcement(before, undefined);
      if (words) said.push(words);
      rowOf(sid)?.remove();
      answers.delete(sid);
    }
  }
  for (const call of data.calls) {
    const words = announcement(calls.get(call.callSid), call);
    if (words && listShown) said.push(words);
    renderRow(call);
  }
  // Keep the rows in the list's order (oldest first) without touching those already in place.
  data.calls.forEach((call, index) => {
    const row = rowOf(call.callSid);
    if (row && page.calls.children[index] !== row) page.calls.insertBefore(row, page.calls.children[index] ?? null);
  });
  calls = next;
  listShown = true;
  page.noCalls.hidden = data.calls.length > 0;
  renderLine(data.calls);
  showFreshness();
  if (said.length > 0) announce(said.join(' '));
}

/** The line of waiting callers, in order: who is next and how many wait. */
function renderLine(list: ListedCall[]): void {
  const waiting = list
    .filter((call) => call.state === 'waiting')
    .sort((a, b) => (a.linePosition ?? Infinity) - (b.linePosition ?? Infinity));
  page.line.hidden = waiting.length === 0;
  if (waiting.length === 0) return;
  const items = waiting.map((call) => {
    const item = element('li', 'waiting-caller', `${ordinal(call.linePosition ?? 0)}: ${call.from || 'an unknown number'}`);
    const since = call.waitingSince ? Date.parse(call.waitingSince) : NaN;
    if (!Number.isNaN(since)) {
      const waited = element('span', 'waited', '');
      waited.dataset.since = String(since);
      item.append(', waiting ', waited);
    }
    return item;
  });
  const title = page.line.querySelector('h3')!;
  title.textContent = waiting.length === 1 ? '1 caller waiting in line' : `${waiting.length} callers waiting in line`;
  page.line.querySelector('ol')!.replaceChildren(...items);
  renderWaited();
}

function renderWaited(): void {
  for (const node of page.line.querySelectorAll<HTMLElement>('.waited')) {
    const text = duration((Date.now() - Number(node.dataset.since)) / 1000);
    if (node.textContent !== text) node.textContent = text;
  }
}

function rowOf(callSid: string): HTMLLIElement | null {
  return page.calls.querySelector<HTMLLIElement>(`li[data-call-sid="${CSS.escape(callSid)}"]`);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function newRow(call: ListedCall): HTMLLIElement {
  const row = element('li', 'call');
  row.dataset.callSid = call.callSid;
  const titleId = `title-${call.callSid}`;
  row.setAttribute('aria-labelledby', titleId);
  const title = element('h3', 'title', `Call from ${call.from || 'an unknown number'}`);
  title.id = titleId;
  const facts = element('dl', 'facts');
  for (const [label, name] of [
    ['Agent', 'agent'],
    ['Mode', 'mode'],
    ['State', 'state'],
    ['On hold for', 'hold-timer'],
    ['Caller hears', 'caller-hears'],
    ['Agent hears', 'agent-hears'],
    ['Holds', 'holds'],
    ['Total on hold', 'total'],
  ] as const) {
    const pair = element('div', `fact fact-${name}`);
    pair.append(element('dt', '', label), element('dd', name));
    facts.append(pair);
  }
  const actions = element('div', 'actions');
  const toggle = element('button', 'toggle');
  toggle.type = 'button';
  toggle.addEventListener('click', () => void holdOrResume(call.callSid, toggle));
  const hangUpCaller = element('button', 'hang-up-caller secondary', 'Hang up caller');
  hangUpCaller.type = 'button';
  hangUpCaller.setAttribute('aria-label', `Hang up the caller of the ${callName(call)}`);
  hangUpCaller.addEventListener('click', () => void hangUp(call.callSid, 'caller', hangUpCaller));
  const hangUpAgent = element('button', 'hang-up-agent secondary', 'Hang up agent');
  hangUpAgent.type = 'button';
  hangUpAgent.setAttribute('aria-label', `Hang up the agent of the ${callName(call)}`);
  hangUpAgent.addEventListener('click', () => void hangUp(call.callSid, 'agent', hangUpAgent));
  actions.append(toggle, hangUpCaller, hangUpAgent);
  const outcome = element('p', 'outcome');
  outcome.id = `outcome-${call.callSid}`;
  toggle.setAttribute('aria-describedby', outcome.id);
  const events = element('details', 'events');
  const summary = element('summary', 'events-summary', 'Events');
  const list = element('ul', 'event-list');
  list.setAttribute('aria-label', `Events of the ${callName(call)}, newest first`);
  events.append(summary, list);
  row.append(title, facts, actions, outcome, events);
  return row;
}

function renderRow(call: ListedCall): void {
  let row = rowOf(call.callSid);
  if (!row) {
    row = newRow(call);
    page.calls.append(row);
  }
  row.dataset.state = call.state;
  const set = (name: string, text: string) => {
    const node = row!.querySelector(`.${name}`);
    if (node && node.textContent !== text) node.textContent = text;
  };
  set('agent', agentInWords(call.agent));
  set('mode', call.mode);
  set('state', stateLine(call));
  set('caller-hears', hearingInWords(call.hears?.caller));
  set('agent-hears', hearingInWords(call.hears?.agent));
  set('holds', String(call.holds));
  renderEvents(row, call);
  renderTimers(row, call);
  const toggle = row.querySelector<HTMLButtonElement>('.toggle')!;
  const action = actionFor(call);
  toggle.textContent = action === 'hold' ? 'Hold' : 'Resume';
  toggle.setAttribute('aria-label', `${action === 'hold' ? 'Hold' : 'Resume'} the ${callName(call)}`);
  toggle.disabled = running.has(call.callSid) || !actionPossible(call);
  const hangUpCaller = row.querySelector<HTMLButtonElement>('.hang-up-caller')!;
  const hangUpAgent = row.querySelector<HTMLButtonElement>('.hang-up-agent')!;
  hangUpCaller.hidden = !emulator;
  hangUpAgent.hidden = !emulator;
  hangUpAgent.disabled = call.agentCallSid === null || call.state === 'agent-gone';
}

/** The record's events, newest first; rebuilt only when they changed, so an open list stays open. */
function renderEvents(row: HTMLElement, call: ListedCall): void {
  const key = call.events.map((event) => event.id ?? `${event.type}@${event.at}`).join('|');
  const list = row.querySelector<HTMLElement>('.event-list')!;
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  const words = [...call.events].reverse().map((event) => eventInWords(event));
  list.replaceChildren(
    ...(words.length > 0 ? words.map((text) => element('li', 'event', text)) : [element('li', 'event none', 'No hold events yet.')]),
  );
  row.querySelector('.events-summary')!.textContent = `Events (${call.events.length})`;
}

function renderTimers(row: HTMLElement, call: ListedCall): void {
  const now = Date.now();
  const timer = row.querySelector('.hold-timer');
  const text = call.state === 'on-hold' ? duration(runningHoldSeconds(call, now)) : 'not on hold';
  if (timer && timer.textContent !== text) timer.textContent = text;
  const total = row.querySelector('.total');
  const totalText = duration(totalHoldSeconds(call, now));
  if (total && total.textContent !== totalText) total.textContent = totalText;
}

// The running timers move every second between two reads of the list.
window.setInterval(() => {
  for (const call of calls.values()) {
    const row = rowOf(call.callSid);
    if (row) renderTimers(row, call);
  }
  renderWaited();
}, 1000);

// ---- actions -----------------------------------------------------------------------------------

/** Runs one request with its button disabled, then gives the focus back if it was there. */
async function withButton<T>(button: HTMLButtonElement, run: () => Promise<T>): Promise<T> {
  const hadFocus = document.activeElement === button;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await run();
  } finally {
    button.removeAttribute('aria-busy');
    button.disabled = false;
    if (hadFocus) button.focus();
  }
}

async function holdOrResume(callSid: string, button: HTMLButtonElement): Promise<void> {
  const call = calls.get(callSid);
  if (!call || running.has(callSid)) return;
  const action: Action = actionFor(call);
  const outcome = rowOf(callSid)?.querySelector('.outcome');
  running.add(callSid);
  if (outcome) outcome.textContent = action === 'hold' ? 'Holding…' : 'Resuming…';
  // Passing the SIDs back gives the one-REST-request path of /hold and /unhold.
  const form: Record<string, string> = { CallSid: callSid };
  if (call.mode === 'conference' && call.conferenceSid) form.ConferenceSid = call.conferenceSid;
  if (call.mode === 'dial' && call.agentCallSid) form.AgentCallSid = call.agentCallSid;
  const answer = await withButton(button, async () => {
    try {
      return await request(action, { form });
    } finally {
      running.delete(callSid);
    }
  });
  if (answer?.status === 401) return showSignIn(errorInWords(answer));
  const ok = answer?.status === 200;
  const held = (answer?.body as { held?: boolean } | undefined)?.held === true;
  let words = ok ? outcomeInWords(action, held) : errorInWords(answer);
  // The answer says where the call stood when Twilio applied it: shown until a record is newer,
  // unless another answer's window overlaps it with the other state (then the record is shown,
  // and the list read that follows every action says the state).
  const { appliedAfter, appliedAt } = (answer?.body ?? {}) as { appliedAfter?: unknown; appliedAt?: unknown };
  if (ok && isInstant(appliedAt)) {
    const applied: AppliedAnswer = { held, appliedAt, ...(isInstant(appliedAfter) ? { appliedAfter } : {}) };
    const known = mayBeLast([...(answers.get(callSid) ?? []), applied]);
    answers.set(callSid, known);
    if (lastAnswer(known) === 'unknown') words = `${words} ${ORDER_UNKNOWN}`;
  }
  if (outcome) {
    outcome.textContent = words;
    outcome.classList.toggle('error', !ok);
  }
  if (ok && answers.has(callSid) && records.size > 0) show({ calls: [...records.values()], emulator });
  // A success is announced by the state change ("Call from ... is on hold.").
  if (!ok) announce(`Could not ${action === 'hold' ? 'hold' : 'resume'} the ${callName(call)}. ${words}`);
  startPolling();
}

function isInstant(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

async function hangUp(callSid: string, party: 'caller' | 'agent', button: HTMLButtonElement): Promise<void> {
  const call = calls.get(callSid);
  const target = party === 'caller' ? callSid : call?.agentCallSid;
  if (!call || !target) return;
  const answer = await withButton(button, () => request('test-calls', { form: { Action: 'hang-up', CallSid: target } }));
  if (answer?.status === 401) return showSignIn(errorInWords(answer));
  const outcome = rowOf(callSid)?.querySelector('.outcome');
  const words = answer?.status === 200 ? `The ${party} hung up.` : errorInWords(answer);
  if (outcome) outcome.textContent = words;
  announce(words);
  startPolling();
}

page.placeCall.addEventListener('click', () => {
  void withButton(page.placeCall, () => request('test-calls', { form: { Action: 'place-call' } })).then((answer) => {
    if (answer?.status === 401) return showSignIn(errorInWords(answer));
    const words = answer?.status === 200 ? "Test call placed; the emulator's agent answers after a short ring." : errorInWords(answer);
    page.placeCallOutcome.textContent = words;
    announce(words);
    startPolling();
  });
});

// ---- refreshing --------------------------------------------------------------------------------

function stopPolling(): void {
  pollLoop += 1;
  pollAbort?.abort();
  pollAbort = undefined;
}

/**
 * Reads the list at once, then long-polls: each request waits up to WAIT_SECONDS for a change.
 * Starting again ends the running loop (and its request): after an action, the list is read at once.
 * Not while the tab is hidden (it costs invocations).
 */
function startPolling(): void {
  stopPolling();
  if (token === null || document.hidden) return;
  const loop = pollLoop;
  const abort = new AbortController();
  pollAbort = abort;
  void (async () => {
    let wait = 0;
    while (loop === pollLoop && token !== null) {
      const outcome = await refresh(wait, abort.signal);
      if (loop !== pollLoop || outcome === 'signed-out' || outcome === 'aborted') return;
      if (outcome === 'failed') await new Promise((resolve) => window.setTimeout(resolve, RETRY_MS));
      wait = WAIT_SECONDS;
    }
  })();
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && token !== null) startPolling();
  else stopPolling();
});

if (token !== null) {
  showConsole();
  startPolling();
} else {
  showSignIn();
}
