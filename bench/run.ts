// npm run bench: the project's benchmarks, written to BENCHMARKS.md (bench/report.ts). Re-runs
// itself under node --expose-gc so heap figures are measured after a full garbage collection.
//
//   npm run bench                          everything at full size, writes BENCHMARKS.md
//   npm run bench -- --quick               small sizes (a smoke run; the test suite runs it)
//   npm run bench -- --out=FILE            write the report elsewhere
//   npm run bench -- --save-results=FILE   also keep the raw figures (JSON)
//   npm run bench -- --from-results=FILE   write the report from kept figures, measuring nothing
//   npm run bench -- --before=DIR          also cold-load the functions of another build (DIR =
//                                          its dist/functions, e.g. of main), side by side
//   npm run bench -- --only=emulator [--transport=in-process,http,functions] [N ...]
//                                          only the emulator benchmark, printed, no report
// Profiling the emulator by hand: node --expose-gc --cpu-prof --import tsx bench/run.ts --only=emulator --transport=http 1000
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureColdLoad } from './cold-load';
import { measureDeploySize } from './deploy-size';
import { TRANSPORTS, type Transport, compareWebhookWorker, runEmulatorBench } from './emulator';
import { measureHandlerTime, measureTwimlBuilding } from './handler-time';
import { measureRoundTrips } from './hold-round-trip';
import { profileEmulatorHttp } from './profile';
import { type BenchResults, describeMachine, renderReport } from './report';
import { installRuntimeGlobal } from './runtime-global';

const ROOT = path.join(__dirname, '..');

/** The sizes of a full run and of --quick. */
const SIZES = {
  full: {
    emulatorCalls: [100, 1000, 10_000],
    warmUp: 1000,
    coldLoadRuns: 15,
    handlerOps: 50_000,
    pairs: 100,
    forkPairs: 100,
    profileCalls: 1000,
    workerCalls: 1000,
    workerPairs: 5,
  },
  quick: {
    emulatorCalls: [20],
    warmUp: 20,
    coldLoadRuns: 2,
    handlerOps: 500,
    pairs: 3,
    forkPairs: 1,
    profileCalls: 20,
    workerCalls: 20,
    workerPairs: 1,
  },
};

function option(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) {
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', __filename, ...process.argv.slice(2)],
      { stdio: 'inherit' },
    );
    process.exit(r.status ?? 1);
  }
  const args = process.argv.slice(2);
  const transports = option(args, 'transport')?.split(',') as Transport[] | undefined;
  for (const t of transports ?? [])
    if (!TRANSPORTS.includes(t)) throw new Error(`unknown transport ${t} (known: ${TRANSPORTS.join(', ')})`);
  const sizesGiven = args.map(Number).filter((n) => n > 0);

  if (option(args, 'only') === 'emulator') {
    await runEmulatorBench(sizesGiven.length ? sizesGiven : undefined, transports);
    return;
  }
  if (option(args, 'only')) throw new Error(`--only knows "emulator", not "${option(args, 'only')}"`);

  const out = path.resolve(ROOT, option(args, 'out') ?? 'BENCHMARKS.md');
  const kept = option(args, 'from-results');
  if (kept) {
    writeFileSync(out, renderReport(JSON.parse(readFileSync(kept, 'utf8')) as BenchResults));
    console.log(`wrote ${out} from ${kept}`);
    return;
  }
  const quick = args.includes('--quick');
  const size = quick ? SIZES.quick : SIZES.full;
  const loadBefore = os.loadavg();
  const started = Date.now();
  installRuntimeGlobal();

  console.log('== REST requests and end-to-end latency of /hold and /unhold ==');
  const roundTrips = await measureRoundTrips(size.pairs, size.forkPairs);
  console.log('== cold load of each built function ==');
  const coldLoad = measureColdLoad(size.coldLoadRuns, option(args, 'before'));
  console.log('== handler time in-process ==');
  const handlers = await measureHandlerTime(size.handlerOps);
  const twimlBuilding = measureTwimlBuilding(size.handlerOps);
  console.log('== the emulator, and scale through the real functions ==');
  const emulator = await runEmulatorBench(sizesGiven.length ? sizesGiven : size.emulatorCalls, transports, {
    warmUp: size.warmUp,
    functionsMaxCalls: 1000,
  });
  console.log('== profile of the emulator over HTTP ==');
  const profile = await profileEmulatorHttp(size.profileCalls);
  console.log('== webhooks from a worker thread: does a second core pay? ==');
  const webhookWorker = await compareWebhookWorker(size.workerCalls, size.workerPairs);
  const deploy = measureDeploySize();

  const results: BenchResults = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    quick,
    command: ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' '),
    seconds: (Date.now() - started) / 1000,
    machine: describeMachine(loadBefore),
    roundTrips,
    coldLoad,
    handlers,
    twimlBuilding,
    emulator,
    profile,
    webhookWorker,
    deploy,
  };
  const save = option(args, 'save-results');
  if (save) writeFileSync(save, JSON.stringify(results, null, 1));
  writeFileSync(out, renderReport(results));
  console.log(`\nwrote ${path.relative(process.cwd(), out) || out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
