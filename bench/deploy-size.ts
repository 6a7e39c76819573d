// Deploy size: what `twilio-run deploy` uploads (every built function and asset, dist/) and what
// Twilio installs for it from package.json (the production dependencies, as npm installed them
// here: every package of `npm ls --omit=dev`, its files' bytes, a nested node_modules counted
// once under its own package).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');

export interface SizedFile {
  name: string;
  bytes: number;
}

export interface DeploySizeReport {
  functions: SizedFile[];
  assets: SizedFile[];
  /** The direct production dependencies: name@version and their own bytes (without dependencies). */
  dependencies: { name: string; bytes: number }[];
  /** All production packages (direct and transitive). */
  packages: number;
  packagesBytes: number;
}

function filesUnder(dir: string, skip?: (p: string) => boolean): SizedFile[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((rel) => !(skip?.(rel) ?? false))
    .map((rel) => ({ rel, stat: statSync(path.join(dir, rel), { throwIfNoEntry: false }) }))
    .filter((f) => f.stat?.isFile())
    .map((f) => ({ name: f.rel, bytes: f.stat!.size }));
}

/** A package's own bytes: its files, not those of packages installed inside it. */
function packageBytes(dir: string): number {
  return filesUnder(dir, (rel) => rel.split(path.sep).includes('node_modules')).reduce((a, f) => a + f.bytes, 0);
}

export function measureDeploySize(): DeploySizeReport {
  const dist = path.join(ROOT, 'dist');
  const functions = filesUnder(path.join(dist, 'functions')).sort((a, b) => a.name.localeCompare(b.name));
  const assets = filesUnder(path.join(dist, 'assets')).sort((a, b) => a.name.localeCompare(b.name));
  const parseable = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
  const dirs = [
    ...new Set(
      parseable
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && l !== ROOT),
    ),
  ];
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const dependencies = Object.entries(manifest.dependencies).map(([name, version]) => ({
    name: `${name}@${version}`,
    bytes: packageBytes(path.join(ROOT, 'node_modules', name)),
  }));
  return {
    functions,
    assets,
    dependencies,
    packages: dirs.length,
    packagesBytes: dirs.reduce((a, d) => a + packageBytes(d), 0),
  };
}
