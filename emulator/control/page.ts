// GET /emulator: the page a person drives the emulator with. Each call is one card with its legs
// labelled (caller, agent, waiting in line), told apart by what links them: a <Dial> child, the
// conference named after the caller's CallSid, the queues named after it (dial mode holds the caller
// in `<CallSid>`, the agent in `<CallSid>-agent`); any other queue is a line of waiting callers.
// Each leg says who it hears (by role, not SID), whether it is held and for how long, and offers
// only the actions that fit (a ringing leg can be answered or rejected, a live one hung up).
// Finished calls are folded away; the clock is shown in words with the controls that fit it; the
// log is newest first, wrapped, with the reads of the call records (the hold console's polling)
// folded out by a filter that is on by default, and the 404s of cleanup (deleting what is already
// gone) marked as expected. Cards instead of tables, so it works at a phone's 390 px.
// Times are the engine's milliseconds since the emulator started (the clock's zero), shown as
// m:ss or h:mm:ss. Tested in headless Chromium by tests/browser/emulator-page.test.ts.

export const CONTROL_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Twilio voice emulator</title>
<link rel="icon" href="data:,">
<style>
*{box-sizing:border-box}
body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:72rem;color:#1d1d1f}
h1{font-size:1.4rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
code,.sid{font:12px ui-monospace,monospace;overflow-wrap:anywhere;color:#555}
.bar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.6rem;list-style:none;padding:0;margin:0}
.card{border:1px solid #ccc;border-radius:.4rem;padding:.6rem .7rem;min-width:0}
.card h3{font-size:1rem;margin:0 0 .2rem;overflow-wrap:anywhere}
.card dl{display:grid;grid-template-columns:auto 1fr;gap:.1rem .6rem;margin:.3rem 0}
.card dt{color:#666}.card dd{margin:0;overflow-wrap:anywhere}
.status{display:inline-block;border-radius:1rem;padding:0 .5rem;font-size:.85rem;background:#eee}
.status.ringing,.status.queued{background:#fff3c4}.status.in-progress{background:#d7f5dd}
button{font:inherit;padding:.3rem .7rem;border-radius:.3rem;border:1px solid #888;background:#f6f6f6;cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid #2563eb;outline-offset:1px}
input{font:inherit;padding:.3rem .4rem;min-width:0;max-width:100%}
form.bar input{flex:1 1 9rem}
.empty{color:#666;margin:.3rem 0}
.field{display:flex;align-items:center;gap:.4rem;flex:1 1 14rem;min-width:0}
.field input{flex:1 1 auto}
.legs{list-style:none;padding:0;margin:.3rem 0 0;display:grid;gap:.4rem}
.leg{border-top:1px solid #eee;padding-top:.35rem}
.role{font-weight:700;text-transform:capitalize}
.held{display:inline-block;border-radius:1rem;padding:0 .5rem;font-size:.85rem;background:#ffe0b2;color:#6d3a00;font-weight:600}
#log li.expected{color:#666}
#log .note{font-style:italic}
.filter{display:flex;gap:.4rem;align-items:center;margin:.2rem 0 .5rem}
#log{list-style:none;padding:0;margin:0;max-height:28rem;overflow-y:auto;border:1px solid #ddd;border-radius:.4rem}
#log li{padding:.25rem .5rem;border-bottom:1px solid #eee;white-space:pre-wrap;overflow-wrap:anywhere;font:12px ui-monospace,monospace}
#log .t{color:#666}
details summary{cursor:pointer;margin:.4rem 0}
#error{color:#b00020}
</style></head><body>
<h1>Twilio voice emulator</h1>
<section aria-labelledby="clock-h"><h2 id="clock-h">Clock</h2>
<div class="bar"><span id="clock" aria-live="polite"></span><span id="clock-controls" class="bar"></span></div></section>
<section aria-labelledby="place-h"><h2 id="place-h">Place a call</h2>
<form id="place" class="bar"><span class="field"><label for="from">From</label><input id="from" name="From" value="+15551230000" required></span>
<span class="field"><label for="to">To</label><input id="to" name="To" placeholder="a configured number, e.g. +15550100000" required></span><button>Call</button></form></section>
<p id="error" role="alert"></p>
<section aria-labelledby="calls-h"><h2 id="calls-h">Live calls</h2><ul id="calls" class="cards"></ul>
<details id="finished-box"><summary id="finished-summary">Finished calls</summary><ul id="finished" class="cards"></ul></details></section>
<section aria-labelledby="confs-h"><h2 id="confs-h">Conferences</h2><ul id="confs" class="cards"></ul></section>
<section aria-labelledby="queues-h"><h2 id="queues-h">Queues</h2><ul id="queues" class="cards"></ul></section>
<section aria-labelledby="log-h"><h2 id="log-h">Log, newest first</h2>
<label class="filter"><input type="checkbox" id="hide-polling" checked> Hide reads of the call records (the hold console's polling)</label>
<p id="log-hidden" class="empty"></p><ol id="log" reversed></ol></section>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const LIVE = new Set(['queued', 'ringing', 'in-progress']);

/** Engine milliseconds as m:ss (or h:mm:ss): the time since the emulator started. */
function clockTime(ms) {
  const s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, '0');
  return h > 0 ? h + ':' + String(m).padStart(2, '0') + ':' + sec : m + ':' + sec;
}
/** A duration in words: "45 s", "2 min 5 s", "1 h 3 min". */
function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}
/** What a leg hears, naming the other legs by their role in the call. */
function hears(h, roles) {
  if (!h) return 'nothing: the call has ended';
  if (h.kind === 'party') return h.callSids.map((sid) => 'the ' + (roles.get(sid) || 'other party')).join(' and ');
  if (h.kind === 'music') return 'music: ' + esc(String(h.url).split('/').pop());
  if (h.kind === 'speech') return 'speech: \u201c' + esc(h.text) + '\u201d';
  return esc(h.kind);
}

/**
 * When each conference participant was held: the log's last "hold in" entry for it (the state says
 * held, not since when); when the log no longer has it, when the page first saw it held.
 */
const heldSince = new Map();
function holdStarts(log) {
  const starts = new Map();
  for (const e of log) {
    if (e.type !== 'conference' || !e.callSid) continue;
    if (/^hold in /.test(e.summary)) starts.set(e.callSid, e.t);
    else if (/^unhold in /.test(e.summary)) starts.delete(e.callSid);
  }
  return starts;
}
/** The links once seen (leg -> [caller's sid, role]): a finished conference lists no participants. */
const linked = new Map();

/**
 * The calls grouped: one group per caller (an inbound call), with its legs and their roles, plus
 * what holds each leg: a held conference participant, or a member of its own hold queue.
 */
function groupCalls(s, log) {
  const logged = holdStarts(log);
  const bySid = new Map(s.calls.map((c) => [c.sid, c]));
  const rootOf = new Map(), role = new Map(), held = new Map(), line = new Map();
  for (const c of s.calls) if (c.direction === 'inbound' && !c.parentCallSid) { rootOf.set(c.sid, c.sid); role.set(c.sid, 'caller'); }
  for (const [sid, [root, r]] of linked) if (!rootOf.has(sid)) { rootOf.set(sid, root); role.set(sid, r); }
  const heldNow = new Set();
  for (const conf of s.conferences) {
    const root = rootOf.get(conf.friendlyName) ?? conf.participants.map((p) => rootOf.get(p.callSid)).find(Boolean);
    for (const p of conf.participants) {
      if (root && !rootOf.has(p.callSid)) { rootOf.set(p.callSid, root); role.set(p.callSid, p.label === 'caller' ? 'caller' : 'agent'); }
      if (p.hold && conf.status !== 'completed' && p.status !== 'complete') {
        heldNow.add(p.callSid);
        if (!heldSince.has(p.callSid)) heldSince.set(p.callSid, logged.get(p.callSid) ?? s.now);
        if (logged.has(p.callSid)) heldSince.set(p.callSid, logged.get(p.callSid));
        held.set(p.callSid, { ms: s.now - heldSince.get(p.callSid), how: 'held in the conference' });
      }
    }
  }
  for (const sid of [...heldSince.keys()]) if (!heldNow.has(sid)) heldSince.delete(sid);
  for (const c of s.calls) {
    if (c.parentCallSid && !rootOf.has(c.sid)) { rootOf.set(c.sid, rootOf.get(c.parentCallSid) ?? c.parentCallSid); role.set(c.sid, 'agent'); }
  }
  for (const q of s.queues) for (const m of q.members) {
    if (q.friendlyName === m.callSid) held.set(m.callSid, { ms: m.waitedMs, how: 'held in its queue' });
    else if (q.friendlyName === (rootOf.get(m.callSid) ?? '') + '-agent') held.set(m.callSid, { ms: m.waitedMs, how: 'waiting for the caller in its queue' });
    else { line.set(m.callSid, { position: m.position, ms: m.waitedMs, queue: q.friendlyName }); if (role.get(m.callSid) === 'caller') role.set(m.callSid, 'waiting'); }
  }
  for (const [sid, root] of rootOf) if (sid !== root) linked.set(sid, [root, role.get(sid)]);
  const groups = new Map();
  for (const c of s.calls) {
    const root = rootOf.get(c.sid) ?? c.sid;
    if (!role.has(c.sid)) role.set(c.sid, c.direction === 'inbound' ? 'caller' : 'outbound call');
    if (!groups.has(root)) groups.set(root, []);
    groups.get(root).push(c);
  }
  const order = { caller: 0, waiting: 0, agent: 1 };
  const list = [...groups.entries()].map(([root, legs]) => ({
    root: bySid.get(root) ?? legs[0],
    legs: legs.sort((a, b) => (order[role.get(a.sid)] ?? 2) - (order[role.get(b.sid)] ?? 2) || a.createdAt - b.createdAt),
  }));
  return { groups: list, role, held, line };
}

async function post(path, body) {
  $('error').textContent = '';
  // The run's control token, put in the page by the server (emulator/control/routes.ts).
  const token = document.querySelector('meta[name="emulator-control-token"]')?.content || '';
  const res = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json', Authorization: 'Bearer ' + token}, body: JSON.stringify(body || {})});
  if (!res.ok) {
    const answer = await res.json().catch(() => ({}));
    $('error').textContent = 'The emulator refused: ' + (answer.error || res.status);
  }
  await refresh();
}

/** Only the actions that fit: an outbound leg still ringing can be answered or rejected; a live call hung up. */
function actions(c, role) {
  if (!LIVE.has(c.status)) return '';
  const who = 'the ' + esc(role || 'call') + ' (' + esc(c.direction === 'inbound' ? c.from : c.to) + ')';
  const button = (action, label) => '<button data-action="' + action + '" data-sid="' + esc(c.sid) + '" aria-label="' + label + ' ' + who + '">' + label + '</button>';
  const ringing = c.status === 'ringing' || c.status === 'queued';
  if (ringing && c.direction !== 'inbound') return button('answer', 'Answer') + ' ' + button('reject', 'Reject');
  return button('hangup', 'Hang up');
}

function legItem(c, now, g) {
  const live = LIVE.has(c.status);
  const r = g.role.get(c.sid), h = g.held.get(c.sid), w = g.line.get(c.sid);
  const state = !live ? 'ended at ' + clockTime(c.endedAt ?? now)
    : h ? '<span class="held">' + (r === 'agent' ? 'waiting' : 'on hold') + ' for ' + duration(h.ms) + '</span> (' + esc(h.how) + ')'
    : w ? '<span class="held">waiting in line, ' + w.position + (w.position === 1 ? 'st' : w.position === 2 ? 'nd' : w.position === 3 ? 'rd' : 'th') + ', for ' + duration(w.ms) + '</span>'
    : c.answeredAt !== undefined ? 'talking since ' + clockTime(c.answeredAt) + ' (' + duration(now - c.answeredAt) + ')'
    : 'since ' + clockTime(c.createdAt);
  const params = c.customParameters ? Object.entries(c.customParameters).map(([k, v]) => esc(k) + '=' + esc(v)).join(', ') : '';
  return '<li class="leg" data-sid="' + esc(c.sid) + '" data-role="' + esc(r) + '"><span class="role">' + esc(r) + '</span> ' +
    esc(c.direction === 'inbound' ? c.from : c.to) + ' <span class="status ' + esc(c.status) + '">' + esc(c.status) + '</span> <span class="direction">' + esc(c.direction) + '</span>' +
    '<dl><dt>Hears</dt><dd class="hears">' + (live ? hears(c.hears, g.role) : 'nothing: the call has ended') + '</dd>' +
    '<dt>State</dt><dd class="leg-state">' + state + '</dd>' +
    (params ? '<dt>Parameters</dt><dd class="sid">' + params + '</dd>' : '') +
    '<dt>Sid</dt><dd class="sid">' + esc(c.sid) + '</dd></dl><div class="bar">' + actions(c, r) + '</div></li>';
}

function callCard(group, now, g) {
  const c = group.root;
  return '<li class="card call" data-sid="' + esc(c.sid) + '"><h3>Call from ' + esc(c.from) + ' to ' + esc(c.to) + '</h3>' +
    '<ul class="legs">' + group.legs.map((leg) => legItem(leg, now, g)).join('') + '</ul></li>';
}

function clock(s) {
  if (s.clock === 'virtual') {
    $('clock').textContent = 'Virtual clock at ' + clockTime(s.now) + ' since start: time moves only when you advance it.';
    if (!$('clock-controls').dataset.kind) {
      $('clock-controls').dataset.kind = 'virtual';
      $('clock-controls').innerHTML = [[1000, '+1 s'], [30000, '+30 s'], [300000, '+5 min']]
        .map(([ms, label]) => '<button data-advance="' + ms + '" aria-label="Advance the clock by ' + label.slice(1) + '">' + label + '</button>').join('');
    }
  } else {
    $('clock').textContent = 'Real time: running for ' + duration(s.now) + ' (' + clockTime(s.now) + ' since start).';
    $('clock-controls').textContent = '';
  }
}

/** Re-rendering replaces the buttons every second: put the keyboard focus back where it was. */
function keepingFocus(render) {
  const f = document.activeElement, key = f && f.dataset ? (f.dataset.sid || '') + '|' + (f.dataset.action || f.dataset.advance || '') : '';
  render();
  if (key === '|' || !key) return;
  const [sid, what] = key.split('|');
  const again = [...document.querySelectorAll('button')].find((b) => (b.dataset.sid || '') === sid && (b.dataset.action || b.dataset.advance || '') === what);
  if (again) again.focus();
}

async function refresh() {
  const s = await (await fetch('/emulator/state')).json();
  const log = await (await fetch('/emulator/log')).json();
  keepingFocus(() => render(s, log));
}

/** The hold console's polling: reads of the call records in Sync (lib/state/call-store.ts). */
const POLLING = /^GET \\/v1\\/Services\\/[^/]+\\/Maps\\/hold-calls(\\/Items)?(\\?.*)? -> /;
/**
 * 404s that cleanup expects: deleting or reading a call's record or a queue after the call already
 * removed it (docs/console.md: the caller's hang-up finds nothing to delete).
 */
function expectedNotFound(e) {
  if (!/ -> 404/.test(e.summary)) return false;
  return /^DELETE /.test(e.summary) || /^GET \\/v1\\/Services\\/[^/]+\\/Maps\\/hold-calls\\/Items\\/CA/.test(e.summary);
}

function render(s, log) {
  clock(s);
  if (!$('to').value && s.numbers && s.numbers.length) $('to').value = s.numbers[0];
  const g = groupCalls(s, log);
  const groups = g.groups.slice().reverse();
  const isLive = (group) => group.legs.some((c) => LIVE.has(c.status));
  const live = groups.filter(isLive), finished = groups.filter((group) => !isLive(group));
  $('calls').innerHTML = live.length ? live.map((group) => callCard(group, s.now, g)).join('') : '<li class="empty">No live calls.</li>';
  $('finished-summary').textContent = 'Finished calls (' + finished.length + ')';
  $('finished').innerHTML = finished.map((group) => callCard(group, s.now, g)).join('');
  const name = (sid) => (g.role.get(sid) ? 'the ' + g.role.get(sid) + ' ' : '') + '<span class="sid">' + esc(sid) + '</span>';
  $('confs').innerHTML = s.conferences.length ? s.conferences.map((c) => '<li class="card"><h3>' + esc(c.friendlyName) + '</h3><span class="status">' + esc(c.status) + '</span>' +
    '<dl>' + c.participants.map((p) => '<dt>' + esc(p.label || 'participant') + '</dt><dd>' + name(p.callSid) + (p.hold ? ' <span class="held">on hold</span>' : '') + (p.muted ? ' muted' : '') + '</dd>').join('') +
    '<dt>Sid</dt><dd class="sid">' + esc(c.sid) + '</dd></dl></li>').join('') : '<li class="empty">No conferences.</li>';
  $('queues').innerHTML = s.queues.length ? s.queues.map((q) => '<li class="card"><h3>' + esc(q.friendlyName) + '</h3><dl>' +
    q.members.map((m) => '<dt>' + m.position + '.</dt><dd>' + name(m.callSid) + ' waiting ' + duration(m.waitedMs) + '</dd>').join('') +
    '<dt>Sid</dt><dd class="sid">' + esc(q.sid) + '</dd></dl></li>').join('') : '<li class="empty">No queues.</li>';
  const hide = $('hide-polling').checked;
  const shown = hide ? log.filter((e) => !(e.type === 'sync' && POLLING.test(e.summary))) : log;
  $('log-hidden').textContent = hide && shown.length < log.length ? (log.length - shown.length) + ' reads of the call records hidden.' : '';
  $('log').innerHTML = shown.slice(-200).reverse().map((e) => {
    const expected = expectedNotFound(e);
    return '<li' + (expected ? ' class="expected"' : '') + '><span class="t">' + clockTime(e.t) + '</span> ' + esc(e.type) + ' ' + (e.callSid ? name(e.callSid) + ' ' : '') + esc(e.summary) +
      (expected ? ' <span class="note">(expected: cleanup of what was already gone)</span>' : '') + '</li>';
  }).join('');
}

$('hide-polling').addEventListener('change', () => refresh());
document.addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.advance) post('/emulator/advance', {ms: Number(b.dataset.advance)});
  else if (b.dataset.action) post('/emulator/calls/' + encodeURIComponent(b.dataset.sid) + '/' + b.dataset.action);
});
$('place').addEventListener('submit', (e) => { e.preventDefault(); const f = new FormData(e.target); post('/emulator/calls', {From: f.get('From'), To: f.get('To')}); });
refresh(); setInterval(refresh, 1000);
</script></body></html>`;
