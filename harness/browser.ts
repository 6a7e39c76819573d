// The hold console in a real browser: Debian's headless Chromium driven by playwright-core (whose
// own browser download cannot work here), against the BUILT functions under twilio-run and the
// emulator on a REAL clock (the page's timers run on the browser's clock). `.ci/run` installs
// chromium with apt-get when it is missing. Run `npm run build` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { type Emulator, startEmulator } from '../emulator';
import { type FunctionsServer, startFunctionsServer } from './functions-server';
import { AGENT_NUMBER, BUSINESS_NUMBER, E2E_ACCOUNT_SID, E2E_AUTH_TOKEN, HOLD_API_TOKEN } from './e2e';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * One headless Chromium with a fresh profile (--user-data-dir, which playwright takes as the
 * persistent context's directory) and one page: nothing carries over between two sessions.
 */
export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'hold-console-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
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
