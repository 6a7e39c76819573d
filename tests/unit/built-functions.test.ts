// A deployed Twilio Function cannot import a sibling file by relative path: each built file must
// load on its own, with only npm packages (node_modules) beside it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const BUILT = join(ROOT, 'dist', 'functions');

function builtFunctions(): string[] {
  if (!existsSync(BUILT)) throw new Error('dist/functions is missing: run `npm run build` first (npm test does)');
  return readdirSync(BUILT).filter((name) => name.endsWith('.js'));
}

describe('built functions', () => {
  it('builds one file for every function source', () => {
    const sources = readdirSync(join(ROOT, 'functions'))
      .filter((n) => n.endsWith('.ts'))
      .map((n) => n.replace(/\.ts$/, '.js'));
    expect(builtFunctions().sort()).toEqual(sources.sort());
  });

  it.each(builtFunctions())('%s loads alone in an empty directory and exports handler', (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'lone-function-'));
    try {
      copyFileSync(join(BUILT, name), join(dir, name));
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads each built file as Twilio would, by path, at run time
      const loaded = require(join(dir, name)) as { handler?: unknown };
      expect(typeof loaded.handler).toBe('function');
      expect(readdirSync(dir).sort()).toEqual([name, 'node_modules'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Cold start: `twilio` is about 240 modules and 100 ms of CPU (BENCHMARKS.md, "Cold load"). No
  // function loads it at module load; REST functions get it from context.getTwilioClient() on the
  // first request that needs a client. Loaded in a fresh node, as a cold Twilio Function is.
  it.each(builtFunctions())('%s loads no npm package at module load', (name) => {
    const probe = `require(${JSON.stringify(join(BUILT, name))});
      console.log(JSON.stringify(Object.keys(require.cache).filter((m) => m.includes('node_modules'))))`;
    const packages = JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })) as string[];
    expect(packages).toEqual([]);
  });

  it('bundles no source maps and no relative requires', () => {
    for (const name of builtFunctions()) {
      const code = readFileSync(join(BUILT, name), 'utf8');
      expect(code).not.toMatch(/sourceMappingURL/);
      expect(code).not.toMatch(/require\(["']\.\.?\//);
    }
  });
});
