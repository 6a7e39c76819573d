// Cold load: what a cold Twilio Function pays before its first answer. Each built function is
// loaded in a fresh node process, side by side with `node -e 0` and `require('twilio')`, the
// three interleaved (A B C A B C ...) so that a change in the machine's load hits all alike. The
// process measures its own CPU time (process.cpuUsage(), user + system, node's bootstrap
// included) once the module is loaded: for `node -e 0` that is node's own start.
// A REST function no longer loads `twilio` at module load: it loads it through
// context.getTwilioClient() on the first request that needs a client, so its cold cost is
// "+ client": the module, then require('twilio') and one client, as the runtime's getTwilioClient
// does (node_modules/@twilio/runtime-handler/dist/dev-runtime/route.js).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');
const BUILT = path.join(ROOT, 'dist', 'functions');

/** The functions that answer with TwiML only and never make a REST request (see lib/). */
// (dial mode's agent-hold-loop reads the hold queues since the dial redesign; incoming-call
// records the call for the console: both make REST requests now.)
export const TWIML_ONLY = new Set(['hold-music.protected']);

export interface LoadFigures {
  /** Median CPU ms of the process, bootstrap included. */
  cpuMs: number;
  /** Modules in require.cache after the load (node's own built-ins not counted). */
  modules: number;
}

export interface FunctionLoad {
  name: string;
  /** With --before=DIR: the same function built from another checkout, load / node -e 0. */
  beforeVsNode?: number;
  kind: 'twiml-only' | 'rest';
  load: LoadFigures;
  /** REST functions: the module plus the lazily loaded client of the first request. */
  withClient?: LoadFigures;
  /** load / node -e 0 (same run). */
  vsNode: number;
  /** (withClient ?? load) / require('twilio') (same run). */
  vsTwilio: number;
}

export interface ColdLoadReport {
  runs: number;
  /** The other build measured side by side (--before), as given. */
  before?: string;
  node: LoadFigures;
  twilio: LoadFigures;
  functions: FunctionLoad[];
}

const PROBE = `
const [what, file] = process.argv.slice(1);
if (what === 'twilio') require('twilio');
if (what === 'function' || what === 'function+client') require(file);
if (what === 'function+client') require('twilio')('AC' + 'be4c'.repeat(8), 'be4c'.repeat(8), { lazyLoading: true });
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ cpu: cpu.user + cpu.system, modules: Object.keys(require.cache).length }));
`;

function probe(what: string, file = ''): { cpu: number; modules: number } {
  // cwd is the project, so require('twilio') resolves to its node_modules.
  const out = execFileSync(process.execPath, ['-e', PROBE, what, file], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as { cpu: number; modules: number };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function builtFunctionNames(): string[] {
  return readdirSync(BUILT)
    .filter((n) => n.endsWith('.js'))
    .map((n) => n.replace(/\.js$/, ''))
    .sort();
}

/** before: a dist/functions directory of another checkout (e.g. main), measured in the same rounds. */
export function measureColdLoad(runs: number, before?: string): ColdLoadReport {
  const names = builtFunctionNames();
  const beforeFile = (name: string): string | undefined => {
    const file = before && path.join(before, `${name}.js`);
    return file && existsSync(file) ? file : undefined;
  };
  const subjects: { key: string; what: string; file?: string }[] = [
    { key: 'node', what: 'nothing' },
    { key: 'twilio', what: 'twilio' },
    ...names.flatMap((name) => {
      const file = path.join(BUILT, `${name}.js`);
      const own = { key: `${name}`, what: 'function', file };
      const then = beforeFile(name);
      const previous = then ? [{ key: `before:${name}`, what: 'function', file: then }] : [];
      return TWIML_ONLY.has(name) ? [own, ...previous] : [own, { key: `${name}+client`, what: 'function+client', file }, ...previous];
    }),
  ];
  const samples = new Map<string, { cpu: number[]; modules: number }>();
  // One unrecorded round first: the first processes pay for a cold file cache.
  for (const s of subjects) probe(s.what, s.file);
  for (let r = 0; r < runs; r++) {
    for (const s of subjects) {
      const { cpu, modules } = probe(s.what, s.file);
      const entry = samples.get(s.key) ?? { cpu: [], modules };
      entry.cpu.push(cpu / 1000);
      samples.set(s.key, entry);
    }
  }
  const figures = (key: string): LoadFigures => ({ cpuMs: median(samples.get(key)!.cpu), modules: samples.get(key)!.modules });
  // The ratios are medians of the per-round ratios, so each compares processes run back to back.
  const ratio = (a: string, b: string): number => median(samples.get(a)!.cpu.map((x, i) => x / samples.get(b)!.cpu[i]));
  const node = figures('node');
  const twilio = figures('twilio');
  const functions = names.map((name): FunctionLoad => {
    const twimlOnly = TWIML_ONLY.has(name);
    return {
      name,
      kind: twimlOnly ? 'twiml-only' : 'rest',
      load: figures(name),
      withClient: twimlOnly ? undefined : figures(`${name}+client`),
      vsNode: ratio(name, 'node'),
      vsTwilio: ratio(twimlOnly ? name : `${name}+client`, 'twilio'),
      ...(beforeFile(name) ? { beforeVsNode: ratio(`before:${name}`, 'node') } : {}),
    };
  });
  return { runs, ...(before ? { before } : {}), node, twilio, functions };
}
