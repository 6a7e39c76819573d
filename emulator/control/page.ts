// GET /emulator: the page a person drives the emulator with. It shows who hears what on every live
// call, offers only the actions that fit each call's state (a ringing leg can be answered or
// rejected, a live one hung up), folds finished calls away, shows the clock in words with the
// controls that fit it (a virtual clock is advanced by hand; a real one runs by itself), and the
// log newest first, wrapped. Cards instead of tables, so it works at a phone's 390 px.
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
<form id="place" class="bar"><label for="from">From</label><input id="from" name="From" value="+15551230000" required>
<label for="to">To</label><input id="to" name="To" placeholder="a configured number, e.g. +15550100000" required><button>Call</button></form></section>
<p id="error" role="alert"></p>
<section aria-labelledby="calls-h"><h2 id="calls-h">Live calls</h2><ul id="calls" class="cards"></ul>
<details id="finished-box"><summary id="finished-summary">Finished calls</summary><ul id="finished" class="cards"></ul></details></section>
<section aria-labelledby="confs-h"><h2 id="confs-h">Conferences</h2><ul id="confs" class="cards"></ul></section>
<section aria-labelledby="queues-h"><h2 id="queues-h">Queues</h2><ul id="queues" class="cards"></ul></section>
<section aria-labelledby="log-h"><h2 id="log-h">Log, newest first</h2><ol id="log" reversed></ol></section>
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
function hears(h) {
  if (!h) return 'nothing: the call has ended';
  if (h.kind === 'party') return 'the other party (' + h.callSids.map(esc).join(', ') + ')';
  if (h.kind === 'music') return 'music: ' + esc(String(h.url).split('/').pop());
  if (h.kind === 'speech') return 'speech: \u201c' + esc(h.text) + '\u201d';
  return esc(h.kind);
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
function actions(c) {
  if (!LIVE.has(c.status)) return '';
  const who = esc(c.to);
  const button = (action, label) => '<button data-action="' + action + '" data-sid="' + esc(c.sid) + '" aria-label="' + label + ' ' + who + '">' + label + '</button>';
  const ringing = c.status === 'ringing' || c.status === 'queued';
  if (ringing && c.direction !== 'inbound') return button('answer', 'Answer') + ' ' + button('reject', 'Reject');
  return button('hangup', 'Hang up');
}

function callCard(c, now) {
  const live = LIVE.has(c.status);
  const since = c.answeredAt !== undefined ? 'talking since ' + clockTime(c.answeredAt) + ' (' + duration((c.endedAt ?? now) - c.answeredAt) + ')' : 'since ' + clockTime(c.createdAt);
  const params = c.customParameters ? Object.entries(c.customParameters).map(([k, v]) => esc(k) + '=' + esc(v)).join(', ') : '';
  return '<li class="card call" data-sid="' + esc(c.sid) + '"><h3>' + esc(c.from) + ' \u2192 ' + esc(c.to) + '</h3>' +
    '<span class="status ' + esc(c.status) + '">' + esc(c.status) + '</span> ' + esc(c.direction) +
    '<dl><dt>Hears</dt><dd class="hears">' + (live ? hears(c.hears) : 'nothing: the call has ended') + '</dd>' +
    '<dt>When</dt><dd>' + (live ? since : 'ended at ' + clockTime(c.endedAt ?? now)) + '</dd>' +
    (c.parentCallSid ? '<dt>Parent</dt><dd class="sid">' + esc(c.parentCallSid) + '</dd>' : '') +
    (params ? '<dt>Parameters</dt><dd class="sid">' + params + '</dd>' : '') +
    '<dt>Sid</dt><dd class="sid">' + esc(c.sid) + '</dd></dl>' + '<div class="bar">' + actions(c) + '</div></li>';
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

function render(s, log) {
  clock(s);
  const calls = s.calls.slice().reverse();
  const live = calls.filter((c) => LIVE.has(c.status)), finished = calls.filter((c) => !LIVE.has(c.status));
  $('calls').innerHTML = live.length ? live.map((c) => callCard(c, s.now)).join('') : '<li class="empty">No live calls.</li>';
  $('finished-summary').textContent = 'Finished calls (' + finished.length + ')';
  $('finished').innerHTML = finished.map((c) => callCard(c, s.now)).join('');
  $('confs').innerHTML = s.conferences.length ? s.conferences.map((c) => '<li class="card"><h3>' + esc(c.friendlyName) + '</h3><span class="status">' + esc(c.status) + '</span>' +
    '<dl>' + c.participants.map((p) => '<dt>' + esc(p.label || 'participant') + '</dt><dd><span class="sid">' + esc(p.callSid) + '</span>' + (p.hold ? ' on hold' : '') + (p.muted ? ' muted' : '') + '</dd>').join('') +
    '<dt>Sid</dt><dd class="sid">' + esc(c.sid) + '</dd></dl></li>').join('') : '<li class="empty">No conferences.</li>';
  $('queues').innerHTML = s.queues.length ? s.queues.map((q) => '<li class="card"><h3>' + esc(q.friendlyName) + '</h3><dl>' +
    q.members.map((m) => '<dt>' + m.position + '.</dt><dd><span class="sid">' + esc(m.callSid) + '</span> waiting ' + duration(m.waitedMs) + '</dd>').join('') +
    '<dt>Sid</dt><dd class="sid">' + esc(q.sid) + '</dd></dl></li>').join('') : '<li class="empty">No queues.</li>';
  $('log').innerHTML = log.slice(-200).reverse().map((e) => '<li><span class="t">' + clockTime(e.t) + '</span> ' + esc(e.type) + ' ' + (e.callSid ? '<span class="sid">' + esc(e.callSid) + '</span> ' : '') + esc(e.summary) + '</li>').join('');
}

document.addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.advance) post('/emulator/advance', {ms: Number(b.dataset.advance)});
  else if (b.dataset.action) post('/emulator/calls/' + encodeURIComponent(b.dataset.sid) + '/' + b.dataset.action);
});
$('place').addEventListener('submit', (e) => { e.preventDefault(); const f = new FormData(e.target); post('/emulator/calls', {From: f.get('From'), To: f.get('To')}); });
refresh(); setInterval(refresh, 1000);
</script></body></html>`;
