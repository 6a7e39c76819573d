// The printed output in docs/simulate.md comes from a real run, never from a hand edit:
// `npm run simulate:docs` runs `npm run simulate` in both modes on the built functions and writes
// each output into its ```text block; tests/e2e/simulate-docs.test.ts runs them again and
// compares, so a change of behaviour that is not carried into the page fails the suite.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type SimulatedMode = 'conference' | 'dial';

const ROOT = resolve(__dirname, '..');
export const SIMULATE_PAGE = join(ROOT, 'docs', 'simulate.md');

/** The heading of each mode's section in docs/simulate.md; its first ```text block is the output. */
const SECTION: Record<SimulatedMode, string> = { conference: '## Conference mode', dial: '## Dial mode' };

/** One run of scripts/simulate.ts on the built functions (dist/). */
export function simulate(mode: SimulatedMode): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'simulate.ts'), '--mode', mode], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trimEnd() };
}

/**
 * What differs from run to run and means nothing: the ports chosen, the shortened random SIDs, the
 * MAC of an agent handle (keyed with the run's random HOLD_API_TOKEN), and the wall-clock instant an
 * answer was applied (appliedAfter, appliedAt).
 */
export function normalized(output: string): string {
  const lines = output
    .replace(/(127\.0\.0\.1|localhost):\d+/g, '$1:PORT')
    .replace(/\b([A-Z]{2})[0-9a-f]{6}…/g, '$1…')
    .replace(/(h1\.\{agent\}\.)[A-Za-z0-9_-]{43}/g, '$1MAC')
    .replace(/("applied(?:After|At)":")[^"]+"/g, '$1…"')
    .split('\n');
  return sameInstantInAnyOrder(lines).join('\n');
}

/**
 * Log lines of one virtual instant come from requests that ran at the same time (two callbacks of
 * one hang-up, say), so their order is the order the answers arrived: each run of lines with the
 * same timestamp is compared as a set.
 */
function sameInstantInAnyOrder(lines: string[]): string[] {
  const stamp = (line: string): string | undefined => /^ {4}(\d\d:\d\d\.\d{3}) {2}/.exec(line)?.[1];
  const result: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i + 1;
    const at = stamp(lines[i]);
    while (at !== undefined && j < lines.length && stamp(lines[j]) === at) j += 1;
    result.push(...lines.slice(i, j).sort());
    i = j;
  }
  return result;
}

function blockRange(page: string, mode: SimulatedMode): { start: number; end: number } {
  const section = page.indexOf(`\n${SECTION[mode]}\n`);
  if (section < 0) throw new Error(`docs/simulate.md has no "${SECTION[mode]}" section`);
  const open = page.indexOf('```text\n', section);
  const close = page.indexOf('\n```', open + 8);
  if (open < 0 || close < 0) throw new Error(`docs/simulate.md: no \`\`\`text block under "${SECTION[mode]}"`);
  return { start: open + '```text\n'.length, end: close };
}

/** The output docs/simulate.md prints for a mode. */
export function documentedOutput(mode: SimulatedMode, page = readFileSync(SIMULATE_PAGE, 'utf8')): string {
  const { start, end } = blockRange(page, mode);
  return page.slice(start, end);
}

function main(): void {
  let page = readFileSync(SIMULATE_PAGE, 'utf8');
  for (const mode of ['conference', 'dial'] as const) {
    const run = simulate(mode);
    if (run.status !== 0) throw new Error(`npm run simulate -- --mode ${mode} exited ${run.status}:\n${run.output}`);
    const { start, end } = blockRange(page, mode);
    page = page.slice(0, start) + run.output + page.slice(end);
  }
  writeFileSync(SIMULATE_PAGE, page);
  console.log('docs/simulate.md: both outputs written from a real run');
}

if (require.main === module) main();
