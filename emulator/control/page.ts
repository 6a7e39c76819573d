// GET /emulator: a small page that shows who hears what and lets a person drive calls.

export const CONTROL_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Twilio voice emulator</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5rem;max-width:70rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
code{font-size:12px}form{display:inline}button{margin:0 .2rem}
</style></head><body>
<h1>Twilio voice emulator</h1>
<p>Clock: <span id="clock"></span>. <button onclick="advance(1000)">+1 s</button><button onclick="advance(30000)">+30 s</button></p>
<h2>Place a call</h2>
<form onsubmit="place(event)"><input name="From" placeholder="From +15551230000" value="+15551230000">
<input name="To" placeholder="To (a configured number)"><button>Call</button></form>
<h2>Calls</h2><table id="calls"></table>
<h2>Conferences</h2><table id="confs"></table>
<h2>Queues</h2><table id="queues"></table>
<h2>Log (latest 50)</h2><pre id="log"></pre>
<script>
const post = (path, body) => fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body || {})}).then(refresh);
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
function hears(h){ if(!h) return ''; return h.kind === 'party' ? 'party ' + h.callSids.join(', ') : h.kind === 'music' ? 'music ' + h.url : h.kind === 'speech' ? 'speech "' + h.text + '"' : h.kind; }
function advance(ms){ post('/emulator/advance', {ms}); }
function place(e){ e.preventDefault(); const f = new FormData(e.target); post('/emulator/calls', {From: f.get('From'), To: f.get('To')}); }
async function refresh(){
  const s = await (await fetch('/emulator/state')).json();
  document.getElementById('clock').textContent = s.clock + ' at ' + s.now + ' ms';
  document.getElementById('calls').innerHTML = '<tr><th>Call</th><th>From -> To</th><th>Direction</th><th>Status</th><th>Hears</th><th></th></tr>' +
    s.calls.slice().reverse().map(c => '<tr><td><code>' + esc(c.sid) + '</code>' + (c.parentCallSid ? '<br>child of <code>' + esc(c.parentCallSid) + '</code>' : '') + '</td><td>' + esc(c.from) + ' -> ' + esc(c.to) + '</td><td>' + esc(c.direction) + '</td><td>' + esc(c.status) + '</td><td>' + esc(hears(c.hears)) + '</td><td>' +
      (c.hears ? '<button onclick="post(\\'/emulator/calls/' + c.sid + '/answer\\')">answer</button><button onclick="post(\\'/emulator/calls/' + c.sid + '/hangup\\')">hang up</button>' : '') + '</td></tr>').join('');
  document.getElementById('confs').innerHTML = '<tr><th>Conference</th><th>Status</th><th>Participants</th></tr>' +
    s.conferences.map(c => '<tr><td>' + esc(c.friendlyName) + '<br><code>' + esc(c.sid) + '</code></td><td>' + esc(c.status) + '</td><td>' + c.participants.map(p => '<code>' + esc(p.callSid) + '</code> ' + esc(p.label || '') + (p.hold ? ' (held)' : '') + (p.muted ? ' (muted)' : '')).join('<br>') + '</td></tr>').join('');
  document.getElementById('queues').innerHTML = '<tr><th>Queue</th><th>Members</th></tr>' +
    s.queues.map(q => '<tr><td>' + esc(q.friendlyName) + '<br><code>' + esc(q.sid) + '</code></td><td>' + q.members.map(m => m.position + '. <code>' + esc(m.callSid) + '</code>').join('<br>') + '</td></tr>').join('');
  const log = await (await fetch('/emulator/log')).json();
  document.getElementById('log').textContent = log.slice(-50).map(e => e.t + ' ' + e.type + ' ' + (e.callSid || '') + ' ' + e.summary).join('\\n');
}
refresh(); setInterval(refresh, 1000);
</script></body></html>`;
