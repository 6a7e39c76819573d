// The emulator's control page (emulator/control/page.ts) in headless Chromium: readable times,
// clock controls that fit the clock, actions that fit each call's state, finished calls folded
// away, the log newest first and wrapped, and no sideways scrolling at a phone's 390 px. Against
// the emulator and the BUILT functions under twilio-run, on the virtual clock (so nothing moves
// unless the test moves it), and a bare emulator on the real clock. Waits are for what the page
// shows, never for a time. Needs `npm run build` first and /usr/bin/chromium.
import type { Page } from 'playwright-core';
import { startEmulator } from '../../emulator';
import { type BrowserSession, openBrowser } from '../../harness/browser';
import { BUSINESS_NUMBER, startE2e, type E2eHarness } from '../../harness/e2e';

jest.setTimeout(90_000);

type Session = BrowserSession;

/** A fresh headless Chromium (harness/browser.ts: its own profile, the project's flags) on a URL. */
async function openPage(url: string, viewport = { width: 1280, height: 900 }): Promise<Session> {
  const session = await openBrowser(viewport);
  session.page.setDefaultTimeout(20_000);
  await session.page.goto(url);
  return session;
}

/** "Virtual clock at 1:05 since start..." -> 65 (seconds). */
async function clockSeconds(page: Page): Promise<number> {
  const text = (await page.locator('#clock').textContent()) ?? '';
  const [, clock] = /at (\d+(?::\d\d)+) since start/.exec(text) ?? [];
  if (!clock) throw new Error(`no time in "${text}"`);
  return clock.split(':').map(Number).reduce((total, part) => total * 60 + part, 0);
}

/** Whether the page scrolls sideways (something wider than the viewport). */
function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth > window.innerWidth') as Promise<boolean>;
}

describe('the emulator page on the virtual clock', () => {
  let h: E2eHarness;
  let session: Session | undefined;
  beforeAll(async () => {
    h = await startE2e({ mode: 'conference' });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(async () => {
    await session?.close();
    session = undefined;
    for (const call of h.emu.calls()) if (h.emu.hears(call.sid)) await h.emu.hangup(call.sid);
    await h.emu.settle();
  });

  it('shows the clock in words with buttons that advance it', async () => {
    session = await openPage(`${h.emu.url}/emulator`);
    const { page } = session;
    await page.locator('#clock', { hasText: 'Virtual clock at' }).waitFor();
    expect(await page.locator('#clock').textContent()).toMatch(/^Virtual clock at \d+:\d\d since start: time moves only when you advance it\.$/);
    const before = await clockSeconds(page);
    await page.getByRole('button', { name: 'Advance the clock by 30 s' }).click();
    await page.waitForFunction(`/at .* since start/.test(document.getElementById('clock').textContent) && document.getElementById('clock').textContent.indexOf(${JSON.stringify(formatClock(before + 30))}) >= 0`);
    expect(await clockSeconds(page)).toBe(before + 30);
    await expect(page.getByRole('button', { name: 'Advance the clock by 5 min' }).count()).resolves.toBe(1);
  });

  it('offers the actions that fit each call, folds finished calls away, and lists the log newest first', async () => {
    session = await openPage(`${h.emu.url}/emulator`);
    const { page } = session;
    await page.getByLabel('To').fill(BUSINESS_NUMBER);
    await page.getByRole('button', { name: 'Call', exact: true }).click();

    // The caller's call is live; the agent's leg rings (the virtual clock does not move by itself).
    const agentCard = page.locator('li.call', { hasText: 'outbound-api' });
    await agentCard.locator('.status.ringing').waitFor();
    const callerCard = page.locator('li.call', { hasText: '+15551230000 \u2192 +15550100000' });
    await callerCard.locator('.status.in-progress').waitFor();
    expect(await callerCard.getByRole('button').allTextContents()).toEqual(['Hang up']);
    expect(await agentCard.getByRole('button').allTextContents()).toEqual(['Answer', 'Reject']);
    expect(await callerCard.locator('.hears').textContent()).toBe('music: hold-music.mp3');

    await agentCard.getByRole('button', { name: /^Answer/ }).click();
    await callerCard.locator('.hears', { hasText: 'the other party' }).waitFor();
    await callerCard.getByText(/talking since \d+:\d\d \(\d+ s\)/).waitFor();
    expect(await page.locator('li.call').evaluateAll((cards) => cards.map((c) => [...c.querySelectorAll('button')].map((b) => b.textContent)))).toEqual([
      ['Hang up'],
      ['Hang up'],
    ]);

    await callerCard.getByRole('button', { name: /^Hang up/ }).click();
    await page.locator('#calls', { hasText: 'No live calls.' }).waitFor();
    expect(await page.locator('#finished-summary').textContent()).toBe('Finished calls (2)');
    expect(await page.locator('#finished li.call').first().isVisible()).toBe(false);
    await page.locator('#finished-summary').click();
    await page.locator('#finished li.call').first().waitFor({ state: 'visible' });
    expect(await page.locator('#finished li.call').first().getByRole('button').count()).toBe(0);

    // Newest first: the log's times never increase down the list, and long lines wrap.
    const times = (await page.locator('#log li .t').allTextContents()).map((t) => t.split(':').map(Number).reduce((a, b) => a * 60 + b, 0));
    expect(times.length).toBeGreaterThan(3);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(await page.locator('#log li').first().evaluate((li) => (globalThis as unknown as { getComputedStyle(e: unknown): { whiteSpace: string } }).getComputedStyle(li).whiteSpace)).toBe('pre-wrap');
    expect(await overflowsSideways(page)).toBe(false);
  });

  it('is usable at 390 px: nothing is cut off or scrolls sideways', async () => {
    session = await openPage(`${h.emu.url}/emulator`, { width: 390, height: 844 });
    const { page } = session;
    await page.getByLabel('To').fill(BUSINESS_NUMBER);
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await page.locator('li.call', { hasText: 'outbound-api' }).locator('.status.ringing').waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    const card = page.locator('li.call').first();
    const box = await card.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  });
});

describe('the emulator page on the real clock', () => {
  it('says the clock runs by itself and offers no buttons to advance it', async () => {
    const emu = await startEmulator({ clock: 'real', port: 0, host: '127.0.0.1' });
    const session = await openPage(`${emu.url}/emulator`);
    try {
      const { page } = session;
      await page.locator('#clock', { hasText: 'Real time: running for' }).waitFor();
      expect(await page.locator('#clock').textContent()).toMatch(/^Real time: running for \d+ s \(\d+:\d\d since start\)\.$/);
      expect(await page.locator('#clock-controls button').count()).toBe(0);
    } finally {
      await session.close();
      await emu.close();
    }
  });
});

function formatClock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
