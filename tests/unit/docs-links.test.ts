// Documents that cannot drift: every relative link and #anchor in the repository's Markdown
// resolves, and every heading that a comment or a page quotes ("docs/x.md, \"Heading\"") exists.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const SKIPPED = new Set(['node_modules', 'dist', '.git', 'coverage', '.tmp', 'test-results']);

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIPPED.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, keep));
    else if (keep(name)) found.push(path);
  }
  return found;
}

/** Markdown with its fenced code blocks blanked out: links in examples are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/**
 * GitHub's anchor for a heading: the rendered text lower-cased, everything but letters, digits,
 * spaces, hyphens and underscores dropped, spaces turned into hyphens, repeats numbered -1, -2...
 * (github-slugger's rule; written here because github-slugger 2 is ESM-only and jest runs CommonJS).
 */
function anchorsOf(markdown: string): { anchors: Set<string>; headings: string[] } {
  const anchors = new Set<string>();
  const headings: string[] = [];
  const seen = new Map<string, number>();
  for (const line of prose(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    headings.push(text);
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return { anchors, headings };
}

const markdownFiles = filesUnder(ROOT, (name) => name.endsWith('.md'));
const sourceFiles = filesUnder(ROOT, (name) => /\.(ts|js|md|sh)$/.test(name) && !name.endsWith('.d.ts'));
const parsed = new Map<string, ReturnType<typeof anchorsOf>>();
function documentAt(path: string): ReturnType<typeof anchorsOf> {
  if (!parsed.has(path)) parsed.set(path, anchorsOf(readFileSync(path, 'utf8')));
  return parsed.get(path)!;
}

describe('the Markdown links', () => {
  const links: { from: string; target: string }[] = [];
  for (const file of markdownFiles) {
    for (const match of prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(match[1])) continue;
      links.push({ from: relative(ROOT, file), target: match[1] });
    }
  }

  it('finds the links it checks', () => {
    expect(links.length).toBeGreaterThan(50);
  });

  it('resolve: every relative link names a file that exists, and every #anchor a heading in it', () => {
    const broken: string[] = [];
    for (const { from, target } of links) {
      const [path, anchor] = target.split('#', 2);
      const file = path === '' ? join(ROOT, from) : resolve(ROOT, dirname(from), decodeURIComponent(path));
      if (!existsSync(file)) {
        broken.push(`${from}: ${target} (no such file)`);
        continue;
      }
      if (anchor !== undefined && file.endsWith('.md') && !documentAt(file).anchors.has(anchor)) {
        broken.push(`${from}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the headings that comments and pages quote', () => {
  // `docs/hold-api.md, "Answers that make the next request cheaper"`: a heading of that page begins with the
  // quoted words ("..." stands for any words).
  const quotes: { from: string; page: string; heading: string }[] = [];
  for (const file of sourceFiles) {
    for (const match of readFileSync(file, 'utf8').matchAll(/([A-Za-z0-9_./-]+\.md),? "([^"\n]{2,100})"/g)) {
      quotes.push({ from: relative(ROOT, file), page: match[1], heading: match[2] });
    }
  }

  it('finds the quotes it checks', () => {
    expect(quotes.length).toBeGreaterThan(10);
  });

  it('name headings that exist', () => {
    const missing: string[] = [];
    for (const { from, page, heading } of quotes) {
      const candidates = [resolve(ROOT, dirname(from), page), resolve(ROOT, page), resolve(ROOT, 'docs', page)];
      const file = candidates.find((candidate) => existsSync(candidate));
      if (!file) {
        missing.push(`${from}: ${page} (no such page)`);
        continue;
      }
      const pattern = new RegExp(
        `^${heading
          .split('...')
          .map((part) => part.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}`,
        'i',
      );
      if (!documentAt(file).headings.some((text) => pattern.test(text))) missing.push(`${from}: ${page}, "${heading}"`);
    }
    expect(missing).toEqual([]);
  });
});
