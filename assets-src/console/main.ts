// The hold console page (assets/index.html): sign in with the HOLD_API_TOKEN once, then the live
// calls from GET /calls, refreshed every 2 s, with Hold/Resume per call and, on the local emulator
// only, test-call controls. Compiled by scripts/build.ts into ONE file, dist/assets/console.js.
import {
  type Action,
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
  outcomeInWords,
  runningHoldSeconds,
  stateInWords,
  totalHoldSeconds,
} from './words';

/** How often the list is read again. Each read is one GET /calls (docs/console.md: what it costs). */
const REFRESH_MS = 2000;
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
  calls: $<HTMLUListElement>('calls'),
  announcer: $<HTMLElement>('announcer'),
};

let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let calls = new Map<string, ListedCall>();
/** False until the first list is shown: the calls already there are not announced as new. */
let listShown = false;
let emulator = false;
let refreshTimer: number | undefined;
/** Calls whose Hold/Resume request is running: their button stays disabled through refreshes. */
const running = new Set<string>();

// ---- talking to the functions ------------------------------------------------------------------

async function request(path: string, form?: Record<string, string>): Promise<Answer | undefined> {
  try {
    const response = await fetch(path, {
      method: form ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${token ?? ''}`, ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
      cache: 'no-store',
    });
    const body = (await response.json().catch(() => undefined)) as Answer['body'];
    return { status: response.status, body };
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
  stopRefreshing();
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  calls = new Map();
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
  void refresh().then((ok) => {
    if (!ok) return;
    // Kept for this tab only: never in a URL or a cookie (sessionStorage ends with the tab).
    sessionStorage.setItem(TOKEN_KEY, given);
    showConsole();
    page.signOut.focus();
    scheduleRefresh();
  });
});

page.signOut.addEventListener('click', () => showSignIn());

// ---- the list ----------------------------------------------------------------------------------

/** Reads GET /calls once and shows it. False when the token was refused (the sign-in form shows). */
async function refresh(): Promise<boolean> {
  const answer = await request('calls');
  if (answer?.status === 401) {
    showSignIn(errorInWords(answer));
    return false;
  }
  if (!answer || answer.status !== 200) {
    const words = errorInWords(answer);
    // Signing in: the form says why. Signed in: the list says so and keeps trying.
    if (!page.signIn.hidden) {
      page.tokenError.textContent = words;
      return false;
    }
    page.listError.textContent = `The list could not be refreshed: ${words}`;
    return true;
  }
  page.listError.textContent = '';
  const data = answer.body as unknown as CallsAnswer;
  show(data);
  return true;
}

function show(data: CallsAnswer): void {
  emulator = data.emulator === true;
  page.emulatorControls.hidden = !emulator;
  const next = new Map(data.calls.map((call) => [call.callSid, call]));
  const said: string[] = [];
  for (const [sid, before] of calls) {
    if (!next.has(sid)) {
      const words = announcement(before, undefined);
      if (words) said.push(words);
      rowOf(sid)?.remove();
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
  page.refreshStatus.textContent = `Refreshed every ${REFRESH_MS / 1000} s; last at ${new Date().toLocaleTimeString()}.`;
  if (said.length > 0) announce(said.join(' '));
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
  row.append(title, facts, actions, outcome);
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
  set('state', stateInWords(call.state));
  set('holds', String(call.holds));
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
      return await request(action, form);
    } finally {
      running.delete(callSid);
    }
  });
  if (answer?.status === 401) return showSignIn(errorInWords(answer));
  const ok = answer?.status === 200;
  const held = (answer?.body as { held?: boolean } | undefined)?.held === true;
  const words = ok ? outcomeInWords(action, held) : errorInWords(answer);
  if (outcome) {
    outcome.textContent = words;
    outcome.classList.toggle('error', !ok);
  }
  // A success is announced by the state change the refresh finds ("Call from ... is on hold.").
  if (!ok) announce(`Could not ${action === 'hold' ? 'hold' : 'resume'} the ${callName(call)}. ${words}`);
  await refresh();
}

async function hangUp(callSid: string, party: 'caller' | 'agent', button: HTMLButtonElement): Promise<void> {
  const call = calls.get(callSid);
  const target = party === 'caller' ? callSid : call?.agentCallSid;
  if (!call || !target) return;
  const answer = await withButton(button, () => request('test-calls', { Action: 'hang-up', CallSid: target }));
  if (answer?.status === 401) return showSignIn(errorInWords(answer));
  const outcome = rowOf(callSid)?.querySelector('.outcome');
  const words = answer?.status === 200 ? `The ${party} hung up.` : errorInWords(answer);
  if (outcome) outcome.textContent = words;
  announce(words);
  await refresh();
}

page.placeCall.addEventListener('click', () => {
  void withButton(page.placeCall, () => request('test-calls', { Action: 'place-call' })).then(async (answer) => {
    if (answer?.status === 401) return showSignIn(errorInWords(answer));
    const words = answer?.status === 200 ? 'Test call placed; the emulator\'s agent answers after a short ring.' : errorInWords(answer);
    page.placeCallOutcome.textContent = words;
    announce(words);
    await refresh();
  });
});

// ---- refreshing --------------------------------------------------------------------------------

function stopRefreshing(): void {
  if (refreshTimer !== undefined) window.clearTimeout(refreshTimer);
  refreshTimer = undefined;
}

/** Every REFRESH_MS after the previous read ended, and not while the tab is hidden (it costs requests). */
function scheduleRefresh(): void {
  stopRefreshing();
  if (token === null || document.hidden) return;
  refreshTimer = window.setTimeout(() => {
    void refresh().then((ok) => {
      if (ok) scheduleRefresh();
    });
  }, REFRESH_MS);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && token !== null) void refresh().then((ok) => ok && scheduleRefresh());
  else stopRefreshing();
});

if (token !== null) {
  showConsole();
  void refresh().then((ok) => ok && scheduleRefresh());
} else {
  showSignIn();
}
