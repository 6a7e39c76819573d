// Checks what `npm run build` (scripts/build.ts) put in dist/: everything there is deployed, and
// anything under dist/assets becomes a public URL, so source maps and TypeScript sources must not be
// there. npm test runs the build before jest; run `npm run build` first when invoking jest directly.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');
const distAssets = join(dist, 'assets');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function isSourceMap(file: string): boolean {
  if (file.endsWith('.map')) return true;
  const text = readFileSync(file, 'latin1');
  // An inline map (a data: URL in a comment) publishes the sources just as a .map file would.
  if (/[#@] sourceMappingURL=data:/.test(text)) return true;
  // A source map renamed to .json or similar still is one.
  if (/\.json$/i.test(file) || text.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return parsed.version === 3 && typeof parsed.mappings === 'string';
    } catch {
      return false;
    }
  }
  return false;
}

describe('dist/ after `npm run build`', () => {
  beforeAll(() => {
    if (!existsSync(distAssets)) {
      throw new Error(`${relative(root, distAssets)} does not exist: run \`npm run build\` before jest (npm test does)`);
    }
  });

  it('ships the hold music byte-for-byte', () => {
    const built = join(distAssets, 'hold-music.mp3');
    expect(existsSync(built)).toBe(true);
    expect(readFileSync(built).equals(readFileSync(join(root, 'assets', 'hold-music.mp3')))).toBe(true);
  });

  it('has no source maps or TypeScript sources among the public assets', () => {
    const offending = filesUnder(distAssets)
      .filter((file) => /\.(map|ts|tsx)$/i.test(file))
      .map((file) => relative(root, file));
    expect(offending).toEqual([]);
  });

  it('has no source map anywhere under dist/', () => {
    const maps = filesUnder(dist)
      .filter(isSourceMap)
      .map((file) => relative(root, file));
    expect(maps).toEqual([]);
  });
});
