// npm run bench: the project's benchmarks. Re-runs itself under node --expose-gc so heap figures
// are measured after a full garbage collection.
import { spawnSync } from 'node:child_process';
import { TRANSPORTS, type Transport, runEmulatorBench } from './emulator';

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  // npm run bench -- [--transport=in-process,http,functions] [N ...]. Profiling one transport:
  // node --expose-gc --cpu-prof --import tsx bench/run.ts --transport=http 1000
  const args = process.argv.slice(2);
  const sizes = args.map(Number).filter((n) => n > 0);
  const transports = args.find((a) => a.startsWith('--transport='))?.slice('--transport='.length).split(',') as Transport[] | undefined;
  for (const t of transports ?? []) if (!TRANSPORTS.includes(t)) throw new Error(`unknown transport ${t} (known: ${TRANSPORTS.join(', ')})`);
  console.log('== emulator ==');
  await runEmulatorBench(sizes.length ? sizes : undefined, transports);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
