// Builds what twilio-run serves and deploys (see .twilioserverlessrc):
//   dist/functions/<name>.js  one self-contained CommonJS file per function; a deployed Twilio
//                             Function cannot import a sibling file by relative path, so lib/ is
//                             bundled into each one (npm packages stay external: Twilio installs them)
//   dist/assets/              a copy of assets/ without source maps or TypeScript sources, which
//                             would otherwise become public files, plus console.js: the hold
//                             console's script, compiled from assets-src/console/ into one file,
//                             and the client: agent's softphone (examples/agent-softphone/: its
//                             page and its script with the Voice SDK, minified: about 180 KB)
import { build } from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const dist = join(root, 'dist');
const NOT_PUBLIC = /\.(map|ts|tsx)$/;

async function main(): Promise<void> {
  rmSync(dist, { recursive: true, force: true });
  const entryPoints = readdirSync(join(root, 'functions'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(root, 'functions', name));

  await build({
    entryPoints,
    outdir: join(dist, 'functions'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: false,
    logLevel: 'warning',
  });

  mkdirSync(join(dist, 'assets'), { recursive: true });
  cpSync(join(root, 'assets'), join(dist, 'assets'), {
    recursive: true,
    filter: (source) => !NOT_PUBLIC.test(source),
  });

  // The page's script: plain TypeScript for the browser, one file, no source map (it would be public).
  await build({
    entryPoints: [join(root, 'assets-src', 'console', 'main.ts')],
    outfile: join(dist, 'assets', 'console.js'),
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    sourcemap: false,
    logLevel: 'warning',
  });
  // The softphone bundles @twilio/voice-sdk (a devDependency: the browser needs it, the functions do
  // not); minified, without a source map (public, as every asset).
  const softphone = join(root, 'examples', 'agent-softphone');
  const softphoneScript = join(dist, 'assets', 'agent-softphone.js');
  const bundled = await build({
    entryPoints: [join(softphone, 'main.ts')],
    outfile: softphoneScript,
    metafile: true,
    bundle: true,
    minify: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    sourcemap: false,
    logLevel: 'warning',
  });
  // The script is served to every browser that opens the page, so it names the packages it carries
  // and their licenses (the Voice SDK is Apache-2.0, which asks for that notice).
  writeFileSync(
    softphoneScript,
    `/*! ${bundledPackages(Object.keys(bundled.metafile.inputs)).join(', ')} */\n${readFileSync(softphoneScript, 'utf8')}`,
  );
  copyFileSync(join(softphone, 'agent-softphone.html'), join(dist, 'assets', 'agent-softphone.html'));
  console.log(`built ${entryPoints.length} functions and assets into ${dist}`);
}

/** "name version (license)" of each npm package among a bundle's inputs. */
function bundledPackages(inputs: string[]): string[] {
  const dirs = new Set(inputs.flatMap((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []));
  return [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    return `${pkg.name} ${pkg.version} (${pkg.license ?? 'see its package'})`;
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
