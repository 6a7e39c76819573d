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
    const outside = files.flatMap((file) =>
      localImports(file)
        .filter((t) => !t.startsWith('lib/'))
        .map((t) => `${file} -> ${t}`),
    );
    expect(outside).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles(files)).toEqual([]);
  });
});

/** A file's code without its comments, so that a rule reads what the code does, not what a comment mentions. */
function codeOf(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

describe('what each layer means (lib/README.md)', () => {
  const files = sourceFiles('lib');
  const entryPoints = files.filter((f) => layerOf(f) === 'top' && f !== 'lib/hold-mode.ts');

  it('an entry point reaches a mode only through lib/hold-mode.ts, chosen once', () => {
    // /hold-music serves both modes; the limited holdUrl it also answers is conference mode's own URL.
    const servesAModeUrl = new Set(['lib/hold-music-endpoint.ts -> lib/conference/hold-limit.ts']);
    const reached = entryPoints.flatMap((file) =>
      localImports(file)
        .filter((target) => layerOf(target) === 'conference' || layerOf(target) === 'dial')
        .map((target) => `${file} -> ${target}`)
        .filter((edge) => !servesAModeUrl.has(edge)),
    );
    expect(reached).toEqual([]);
  });

  it('no entry point asks which mode is configured', () => {
    const asking = entryPoints.filter((file) =>
      /holdModeName\(|[!=]==\s*'(dial|conference)'|'(dial|conference)'\s*[!=]==/.test(codeOf(file)),
    );
    expect(asking).toEqual([]);
  });

  it('state/ stores: it answers no request and parses no webhook (each mode translates its own)', () => {
    const answering = files
      .filter((f) => layerOf(f) === 'state')
      .filter(
        (f) =>
          /TwilioResponse|FunctionEvent/.test(codeOf(f)) ||
          localImports(f).some((t) => /platform\/(responses|webhook-params)\.ts$/.test(t)),
      );
    expect(answering).toEqual([]);
    const functionsIntoState = sourceFiles('functions').flatMap((f) =>
      localImports(f)
        .filter((t) => t.startsWith('lib/state/'))
        .map((t) => `${f} -> ${t}`),
    );
    expect(functionsIntoState).toEqual([]);
  });

  it('platform/ reads no setting of holding (lib/shared/settings.ts does); env.ts only declares the names', () => {
    const holdSetting =
      /\b(HOLD_MODE|HOLD_REMINDER_\w+|HOLD_MAX_SECONDS|HOLD_WARNING_SECONDS|HOLD_MUSIC_SECONDS|HOLD_VOICE|LINE_MAX_\w+|AGENT_SCREENING\w*|AGENT_NUMBER|AGENT_RING_TIMEOUT|CALLER_ID)\b/;
    const knowing = files
      .filter((f) => layerOf(f) === 'platform' && f !== 'lib/platform/env.ts')
      .filter((f) => holdSetting.test(codeOf(f)));
    expect(knowing).toEqual([]);
  });
});

describe('the layout of the rest', () => {
  it('the emulator has no import circle (its services depend on CallHost, not on the engine)', () => {
    expect(circles(sourceFiles('emulator'))).toEqual([]);
  });

  it('nothing outside tests/ imports from tests/', () => {
    const files = ['functions', 'lib', 'emulator', 'harness', 'bench', 'scripts'].flatMap(sourceFiles);
    const intoTests = files.flatMap((f) =>
      localImports(f)
        .filter((t) => t.startsWith('tests/'))
        .map((t) => `${f} -> ${t}`),
    );
    expect(intoTests).toEqual([]);
  });
});
