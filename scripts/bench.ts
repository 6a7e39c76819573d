// npm run bench: the project's benchmarks. Re-runs itself under node --expose-gc so heap figures
// are measured after a full garbage collection.
import { spawnSync } from 'node:child_process';
import { runEmulatorBench } from '../emulator/bench';

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  console.log('== emulator ==');
  await runEmulatorBench(sizes.length ? sizes : undefined);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
