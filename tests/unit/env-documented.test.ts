// A new environment variable has three homes, and this keeps them in step: `.env.example` (with its
// description/format/required lines), the table of docs/configuration.md, and the HoldEnv type of
// lib/platform/env.ts, which is how the code reads it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const names = (text: string, pattern: RegExp): string[] => [...text.matchAll(pattern)].map((m) => m[1]).sort();

describe('every environment variable is documented where the others are', () => {
  const example = read('.env.example');
  const inExample = names(example, /^([A-Z][A-Z0-9_]*)=/gm);

  it('.env.example, docs/configuration.md and lib/platform/env.ts name the same variables', () => {
    expect(names(read('docs/configuration.md'), /^\| `([A-Z][A-Z0-9_]*)` \|/gm)).toEqual(inExample);
    expect(names(read('lib/platform/env.ts'), /^\s+([A-Z][A-Z0-9_]*)\?: string;/gm)).toEqual(inExample);
  });

  it.each(inExample)('%s has a description, a format and a required line in .env.example', (name) => {
    const block = example.split(/\n\s*\n/).find((chunk) => new RegExp(`^${name}=`, 'm').test(chunk)) ?? '';
    expect(block).toMatch(/^# description: \S/m);
    expect(block).toMatch(/^# format: \S/m);
    expect(block).toMatch(/^# required: (true|false)$/m);
  });
});
