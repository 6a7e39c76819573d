// The layout is a contract (lib/README.md): each folder imports only the layers below it, a mode
// never imports the other mode, and no module takes part in an import circle. Read from the source
// text, so a new import that breaks a rule fails here rather than in a review.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The repository-relative .ts files a file imports by relative path. */
function localImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((spec) => {
    const target = relative(ROOT, resolve(join(ROOT, dirname(file)), spec));
    for (const candidate of [`${target}.ts`, join(target, 'index.ts')]) {
      try {
        if (statSync(join(ROOT, candidate)).isFile()) return candidate;
      } catch {
        // not this candidate
      }
    }
    return target;
  });
}

function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1] : 'top';
}

const MAY_IMPORT: Record<string, string[]> = {
  platform: ['platform'],
  shared: ['shared', 'platform'],
  state: ['state', 'shared', 'platform'],
  conference: ['conference', 'state', 'shared', 'platform'],
  dial: ['dial', 'state', 'shared', 'platform'],
  top: ['top', 'conference', 'dial', 'state', 'shared', 'platform'],
};

function circles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, localImports(f).filter((t) => files.includes(t))]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'open') found.push(stack.slice(stack.indexOf(t)));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

describe('the layout of lib/', () => {
  const files = sourceFiles('lib');

  it('has the folders the README names, each with a README', () => {
    for (const folder of ['platform', 'shared', 'state', 'conference', 'dial']) {
      expect(statSync(join(ROOT, 'lib', folder, 'README.md')).isFile()).toBe(true);
      expect(files.some((f) => f.startsWith(`lib/${folder}/`))).toBe(true);
    }
  });

  it('imports only from the same layer or the layers below it', () => {
    const violations = files.flatMap((file) =>
      localImports(file)
        .filter((target) => target.startsWith('lib/'))
        .filter((target) => !MAY_IMPORT[layerOf(file)].includes(layerOf(target)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(violations).toEqual([]);
  });

  it('reaches outside lib/ for nothing of the project', () => {
    const outside = files.flatMap((file) => localImports(file).filter((t) => !t.startsWith('lib/')).map((t) => `${file} -> ${t}`));
    expect(outside).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles(files)).toEqual([]);
  });
});

describe('the layout of the rest', () => {
  it('the emulator has no import circle (its services depend on CallHost, not on the engine)', () => {
    expect(circles(sourceFiles('emulator'))).toEqual([]);
  });

  it('nothing outside tests/ imports from tests/', () => {
    const files = ['functions', 'lib', 'emulator', 'harness', 'bench', 'scripts'].flatMap(sourceFiles);
    const intoTests = files.flatMap((f) => localImports(f).filter((t) => t.startsWith('tests/')).map((t) => `${f} -> ${t}`));
    expect(intoTests).toEqual([]);
  });
});
