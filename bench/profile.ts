// Where the emulator's CPU goes over HTTP: V8's sampling CPU profiler (node:inspector, what
// `node --cpu-prof` writes) runs in the emulator's process during one http run of
// bench/emulator.ts, and self time is grouped by where the code lives.
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { benchOnce, FunctionsProcess } from './emulator';

export interface ProfileReport {
  calls: number;
  seconds: number;
  samples: number;
  categories: { name: string; ms: number; share: number }[];
  functions: { name: string; where: string; share: number }[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives, from its script URL. */
export function categoryOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return 'V8 and native code outside JS';
    return 'native functions (writev, crypto, ...)';
  }
  if (/node:(_http|internal\/http)|_http_/.test(url)) return 'Node HTTP client and server';
  if (/node:(net|internal\/stream_base_commons|internal\/streams|stream|internal\/net)/.test(url)) return 'Node sockets and streams';
  if (url.startsWith('node:')) return 'Node, other (events, timers, URL, ...)';
  if (url.includes('/emulator/rest/')) return 'emulator REST layer (router, params, formatting)';
  if (url.includes('/emulator/openapi/')) return 'emulator OpenAPI check';
  if (url.includes('/emulator/twiml/')) return 'emulator TwiML parsing';
  if (url.includes('/emulator/engine/webhooks')) return 'emulator webhook client (signing, requests)';
  if (url.includes('/emulator/engine/') || url.includes('/emulator/model/')) return 'emulator engine and model';
  if (url.includes('/emulator/')) return 'emulator, other (server)';
  if (url.includes('/node_modules/twilio/')) return 'twilio package (webhook signatures)';
  if (url.includes('/node_modules/')) return 'other npm packages';
  if (url.includes('/bench/')) return 'benchmark driver';
  return 'other';
}

function shortWhere(url: string, line: number): string {
  const at = url.replace(/^.*\/(emulator|bench|node_modules)\//, '$1/').replace(/^file:\/\//, '');
  // Under tsx the line numbers of the project's own files are those of the transpiled code.
  return !at ? '(native)' : /\.ts$/.test(at) ? at : `${at}:${line + 1}`;
}

export async function profileEmulatorHttp(calls: number, topFunctions = 12): Promise<ProfileReport> {
  const functions = await FunctionsProcess.start();
  const session = new Session();
  session.connect();
  try {
    await benchOnce(Math.min(calls, 1000), 'http', functions); // warm-up, not profiled
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const t0 = performance.now();
    await benchOnce(calls, 'http', functions, false);
    const seconds = (performance.now() - t0) / 1000;
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parentOf = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
    // A native function is named after its nearest caller written in JavaScript.
    const callerOf = (id: number): string => {
      for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
        const f = byId.get(p)!.callFrame;
        if (f.url) return `${f.functionName || '(anonymous)'} (${shortWhere(f.url, f.lineNumber)})`;
      }
      return '';
    };
    const selfUs = new Map<number, number>();
    profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const categories = new Map<string, number>();
    const perFunction = new Map<string, { name: string; where: string; us: number }>();
    let busyUs = 0;
    for (const [id, us] of selfUs) {
      const frame = byId.get(id)!.callFrame;
      const category = categoryOf(frame);
      // Idle, and the profiler's own work when it is stopped (inspector's post -> dispatch).
      if (category === '(idle)' || (!frame.url && callerOf(id).startsWith('post (node:inspector'))) continue;
      busyUs += us;
      categories.set(category, (categories.get(category) ?? 0) + us);
      const where = frame.url ? shortWhere(frame.url, frame.lineNumber) : `native, called from ${callerOf(id) || '(none)'}`;
      const key = `${frame.functionName}@${where}`;
      const entry = perFunction.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 };
      entry.us += us;
      perFunction.set(key, entry);
    }
    return {
      calls,
      seconds,
      samples: profile.samples.length,
      categories: [...categories].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, share: us / busyUs })),
      functions: [...perFunction.values()]
        .sort((a, b) => b.us - a.us)
        .slice(0, topFunctions)
        .map((f) => ({ name: f.name, where: f.where, share: f.us / busyUs })),
    };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
    await functions.close();
  }
}
