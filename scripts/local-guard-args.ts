// The node flags that load scripts/local-guard.ts into twilio-run's process (npm start, the test
// harness). The guard is compiled to plain CommonJS with esbuild and loaded with --require, so that
// twilio-run and the functions it loads run on plain node, as they do deployed: no TypeScript
// loader hooks every require (which, in twilio-run's live mode, re-runs on every request).
import { buildSync } from 'esbuild';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const COMPILED = join(ROOT, 'node_modules', '.cache', 'call-hold', 'local-guard.cjs');

export function localGuardNodeArgs(): string[] {
  buildSync({
    entryPoints: [join(ROOT, 'scripts', 'local-guard.ts')],
    outfile: COMPILED,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return ['--require', COMPILED];
}
