// The repository reads well to someone who never saw the tracker: no issue numbers, branch names
// or notes about uncommitted local changes in any tracked text.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
// Built from parts so that this file does not match itself.
const PLANNING = ['iss' + 'ue #?\\d+', 'this ' + 'branch', 'patched \\(locally', 'not ' + 'committed\\)'].join('|');

describe('planning references', () => {
  it('are nowhere in the tracked files', () => {
    let found = '';
    try {
      found = execFileSync('git', ['grep', '-nIiE', PLANNING, '--', '.', ':!package-lock.json'], { cwd: ROOT, encoding: 'utf8' });
    } catch (error) {
      // git grep exits 1 when nothing matches: what this test wants.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    expect(found.split('\n').filter(Boolean)).toEqual([]);
  });
});
