// The hold console in a real browser: a headless Chromium driven by playwright-core (whose own
// browser download cannot work here), against the BUILT functions under twilio-run and the
// emulator on a REAL clock (the page's timers run on the browser's clock). Run `npm run build` first.
//
// Which Chromium (docs/testing.md#the-browser): CHROMIUM_PATH, else a system Chrome or Chromium in
// the usual places (SYSTEM_CHROMIUMS), else the Chromium that the @sparticuz/chromium package ships
// on Linux x64 (a headless shell with the few shared libraries it needs, so a machine with only Node
// and npm runs the browser tests). CHROMIUM_FROM_PACKAGE=1 skips the first two (the proof that the
// package's Chromium is enough: tests/browser/package-chromium.test.ts). The first that launches is
// kept for the rest of the process; when none does, one line says what to install.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { type Emulator, startEmulator } from '../emulator';
import { type FunctionsServer, startFunctionsServer } from './functions-server';
import { AGENT_NUMBER, BUSINESS_NUMBER, E2E_ACCOUNT_SID, E2E_AUTH_TOKEN, EMULATOR_CONTROL_TOKEN, HOLD_API_TOKEN } from './e2e';

const ROOT = resolve(__dirname, '..');

/** Where a system Chrome or Chromium usually is, per platform, in the order they are tried. */
export const SYSTEM_CHROMIUMS: Partial<Record<NodeJS.Platform, readonly string[]>> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    join(homedir(), 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
    join(homedir(), 'Applications/Chromium.app/Contents/MacOS/Chromium'),
  ],
};

/** What to install when no Chromium can run: the one line the browser tests fail with. */
export const NO_CHROMIUM =
  'No Chromium can run the browser tests: install Chromium or Google Chrome (Debian/Ubuntu: apt-get install chromium; ' +
  'macOS: brew install --cask chromium) or set CHROMIUM_PATH to one; on Linux x64, npm ci installs one (@sparticuz/chromium).';

/** A Chromium to try: its path, and what its process needs (the package's libraries and fonts). */
export interface ChromiumCandidate {
  /** Where it came from, for the failure line. */
  source: string;
  executablePath: string | (() => string);
  env?: Record<string, string>;
}

/** Quiet, reproducible headless Chromium: no GPU, no QUIC, no background traffic, a fresh profile. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The candidates in the order they are tried (pure: the environment, platform and file check are
 * parameters, for tests/unit/browser-choice.test.ts).
 */
export function chromiumCandidates(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
  executable: (path: string) => boolean = isExecutable,
): ChromiumCandidate[] {
  const candidates: ChromiumCandidate[] = [];
  if (env.CHROMIUM_FROM_PACKAGE !== '1') {
    if (env.CHROMIUM_PATH) candidates.push({ source: `CHROMIUM_PATH=${env.CHROMIUM_PATH}`, executablePath: env.CHROMIUM_PATH });
    const system = (SYSTEM_CHROMIUMS[platform] ?? []).find(executable);
    if (system) candidates.push({ source: system, executablePath: system });
  }
  if (platform === 'linux' && arch === 'x64') {
    const dir = packageChromiumDir();
    if (dir) {
      candidates.push({
        source: '@sparticuz/chromium',
        executablePath: () => unpackPackageChromium(dir),
        env: {
          LD_LIBRARY_PATH: [join(dir, 'al2023', 'lib'), env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
          FONTCONFIG_FILE: join(dir, 'fonts.conf'),
        },
      });
    }
  }
  return candidates;
}

/** Where the package's Chromium is unpacked (once per version), or undefined without the package. */
function packageChromiumDir(): string | undefined {
  let version: string;
  try {
    // Its exports name only the entry (build/cjs/index.cjs): package.json is three folders up.
    const entry = require.resolve('@sparticuz/chromium');
    version = (JSON.parse(readFileSync(join(entry, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
  return join(ROOT, 'node_modules', '.cache', 'call-hold', `sparticuz-chromium-${version}`);
}

/**
 * Unpacks the package's brotli-packed Chromium into `dir`, unless done already. The package unpacks
 * into os.tmpdir() (TMPDIR) and, on Amazon Linux 2023 (which it detects by AWS_EXECUTION_ENV), also
 * the shared libraries (NSS, NSPR, expat) that a bare Linux lacks: it runs in a child with both set,
 * into a fresh folder renamed into place, so two test workers unpacking at once do not collide.
 */
function unpackPackageChromium(dir: string): string {
  const binary = join(dir, 'chromium');
  if (existsSync(binary)) return binary;
  mkdirSync(join(dir, '..'), { recursive: true });
  const staging = mkdtempSync(`${dir}.unpacking-`);
  try {
    execFileSync(process.execPath, ['-e', "require('@sparticuz/chromium').executablePath().then((p) => process.stdout.write(p))"], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: staging, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The package's own fonts.conf names /tmp/fonts: this one names where its fonts are here.
    writeFileSync(
      join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}

/** The Chromium this process launched first, per candidate list (so each suite pays one probe). */
const working = new Map<string, ChromiumCandidate>();

/**
 * The Chromium processes this process launched, per candidate: launched once and shared by the
 * sessions of a test file (a launch costs 1-2 s on the 2-core machine; a context, milliseconds).
 */
const launched = new Map<string, Promise<Browser>>();

export interface OpenBrowserOptions {
  /** The environment the Chromium is chosen by (default process.env), e.g. with CHROMIUM_FROM_PACKAGE=1. */
  lookup?: NodeJS.ProcessEnv;
}

/** An error whose whole text, stack included, is its one line: jest prints nothing more. */
function oneLine(message: string): Error {
  const error = new Error(message);
  error.stack = `Error: ${message}`;
  return error;
}

function browserFor(candidate: ChromiumCandidate): Promise<Browser> {
  const running = launched.get(candidate.source);
  if (running) return running;
  const executablePath = typeof candidate.executablePath === 'function' ? candidate.executablePath() : candidate.executablePath;
  const launching = chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    env: candidate.env ? { ...process.env, ...candidate.env } : undefined,
  });
  launched.set(candidate.source, launching);
  launching.then(
    (browser) => browser.on('disconnected', () => launched.delete(candidate.source)),
    () => launched.delete(candidate.source),
  );
  return launching;
}

/** Closes the Chromium processes openBrowser launched (each browser test file, after all its tests). */
export async function closeBrowsers(): Promise<void> {
  const browsers = [...launched.values()];
  launched.clear();
  await Promise.all(browsers.map((b) => b.then((browser) => browser.close()).catch(() => undefined)));
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Which Chromium runs it (a path, or @sparticuz/chromium). */
  chromium: string;
  close(): Promise<void>;
}

/**
 * A fresh browser context (its own storage, cookies and cache, as a fresh profile would have: nothing
 * carries over between two sessions) with one page, in the headless Chromium this process keeps
 * running for the candidate that launched (closeBrowsers() ends it).
 */
export async function openBrowser(viewport = { width: 1280, height: 900 }, options: OpenBrowserOptions = {}): Promise<BrowserSession> {
  const candidates = chromiumCandidates(options.lookup ?? process.env);
  const key = candidates.map((c) => c.source).join('|');
  const known = working.get(key);
  const failures: string[] = [];
  for (const candidate of known ? [known] : candidates) {
    let browser: Browser;
    try {
      browser = await browserFor(candidate);
    } catch (error) {
      failures.push(`${candidate.source}: ${String((error as Error).message).split('\n')[0]}`);
      continue;
    }
    working.set(key, candidate);
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    return {
      context,
      page,
      chromium: candidate.source,
      async close() {
        await context.close().catch(() => undefined);
      },
    };
  }
  throw oneLine(failures.length === 0 ? NO_CHROMIUM : `${NO_CHROMIUM} Tried: ${failures.join('; ')}`);
}

/** How long the emulator's agent takes to answer a test call (real time). */
export const CONSOLE_AGENT_ANSWERS_AFTER_MS = 500;

export interface ConsoleStack {
  emu: Emulator;
  functions: FunctionsServer;
  /** The console page. */
  consoleUrl: string;
  close(): Promise<void>;
}

export async function startConsoleStack(mode: 'conference' | 'dial'): Promise<ConsoleStack> {
  const emu = await startEmulator({
    accountSid: E2E_ACCOUNT_SID,
    authToken: E2E_AUTH_TOKEN,
    controlToken: EMULATOR_CONTROL_TOKEN,
    clock: 'real',
    defaultParty: { behavior: 'answer', afterMs: CONSOLE_AGENT_ANSWERS_AFTER_MS },
    callsPerSecond: 0,
  });
  let functions: FunctionsServer;
  try {
    functions = await startFunctionsServer({
      ACCOUNT_SID: emu.accountSid,
      AUTH_TOKEN: emu.authToken,
      TWILIO_API_BASE_URL: emu.url,
      AGENT_NUMBER,
      HOLD_MODE: mode,
      HOLD_API_TOKEN,
      EMULATOR_CONTROL_TOKEN,
    });
  } catch (error) {
    await emu.close();
    throw error;
  }
  emu.setNumber({ phoneNumber: BUSINESS_NUMBER, voiceUrl: `${functions.url}/incoming-call`, voiceMethod: 'POST' });
  return {
    emu,
    functions,
    consoleUrl: `${functions.url}/index.html`,
    async close() {
      // Every party hangs up first, so no webhook is in flight when the functions stop.
      for (const call of emu.calls()) if (emu.hears(call.sid)) await emu.hangup(call.sid).catch(() => undefined);
      await emu.settle();
      await functions.stop();
      await emu.close();
    },
  };
}
