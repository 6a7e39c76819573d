// docs/project-layout.md stays true to the tree: every top-level folder of the repository (what git
// would track: not node_modules, dist or other ignored output) and every folder of lib/ is named there.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const IGNORED = /^(node_modules|dist|build|coverage|test-results|\.tmp|\.git|\.twilio-functions)$/;

const folders = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).filter((name) => !IGNORED.test(name) && statSync(join(ROOT, dir, name)).isDirectory());

describe('docs/project-layout.md', () => {
  const page = readFileSync(join(ROOT, 'docs', 'project-layout.md'), 'utf8');
  const named = new Set([...page.matchAll(/^\s*([.\w-]+)\/(?:\s|run)/gm)].map((match) => match[1]));

  it('names every top-level folder', () => {
    expect(folders('.').filter((name) => !named.has(name))).toEqual([]);
  });

  it('names every folder of lib/', () => {
    expect(folders('lib').filter((name) => !named.has(name))).toEqual([]);
  });

  it('names only folders that exist', () => {
    const existing = new Set([...folders('.'), ...folders('lib')]);
    expect([...named].filter((name) => !existing.has(name))).toEqual([]);
  });
});
