// The going-live and deploying pages link to the page that holds each fact instead of restating it,
// and others link to their sections; a link is only worth that if it leads somewhere. Every relative link of these pages must name a
// file of the repository, and an anchor, when given, one of that page's headings (GitHub's slugs).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
// The pages that send readers to going-live.md's sections, and going-live.md's own links.
const PAGES = ['docs/going-live.md', 'docs/deploying.md', 'docs/configuration.md', 'docs/hold-api.md', 'docs/finding-the-call.md'];

/** GitHub's heading anchor: lower case, punctuation other than - and _ dropped, spaces to -. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1])));
}

function relativeLinks(file: string): { target: string; anchor?: string }[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((href) => !/^[a-z]+:/i.test(href))
    .map((href) => {
      const [path, anchor] = href.split('#');
      return { target: path ? resolve(dirname(file), path) : file, anchor };
    });
}

describe.each(PAGES)('%s', (page) => {
  const file = join(ROOT, page);
  it.each(relativeLinks(file).map((link) => [`${relative(ROOT, link.target)}${link.anchor ? `#${link.anchor}` : ''}`, link] as const))(
    'links to %s, which exists',
    (_, link) => {
      expect(existsSync(link.target)).toBe(true);
      if (link.anchor && link.target.endsWith('.md')) expect([...anchorsOf(link.target)]).toContain(link.anchor);
    },
  );
});

it('slugs headings as GitHub does', () => {
  expect(slug('A `client:` agent: a browser or app with the Voice SDK')).toBe('a-client-agent-a-browser-or-app-with-the-voice-sdk');
  expect(slug('CALLER_ID: what the agent sees, and when to set it')).toBe('caller_id-what-the-agent-sees-and-when-to-set-it');
  expect(slug('`/agent-token`: a Voice SDK token for a `client:` agent')).toBe('agent-token-a-voice-sdk-token-for-a-client-agent');
});
