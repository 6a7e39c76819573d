// The emulator's control page (emulator/control/page.ts) in headless Chromium: readable times,
// clock controls that fit the clock, actions that fit each call's state, finished calls folded
// away, the log newest first and wrapped, and no sideways scrolling at a phone's 390 px. Against
// the emulator and the BUILT functions under twilio-run, on the virtual clock (so nothing moves
// unless the test moves it), and a bare emulator on the real clock. Waits are for what the page
// shows, never for a time. Needs `npm run build` first and /usr/bin/chromium.
import type { Locator, Page } from 'playwright-core';
import { startEmulator } from '../../emulator';
import { type BrowserSession, closeBrowsers, openBrowser } from '../../harness/browser';
import { BUSINESS_NUMBER, startE2e, type E2eHarness } from '../../harness/e2e';

jest.setTimeout(90_000);
// One Chromium for the file; each test has its own context (harness/browser.ts).
afterAll(closeBrowsers);

type Session = BrowserSession;

/**
 * Polls until `check` passes (playwright-core has no expect of its own): each try resolves the
 * locators again, so a node the page re-rendered in between is never read stale.
 */
async function eventually(check: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const trimmed = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
const hasText = (locator: Locator, text: string | RegExp) =>
  eventually(async () =>
    typeof text === 'string' ? expect(await trimmed(locator)).toBe(text) : expect(await trimmed(locator)).toMatch(text),
  );
const hasTexts = (locator: Locator, texts: string[]) =>
  eventually(async () => expect((await locator.allTextContents()).map((t) => t.trim())).toEqual(texts));
const hasCount = (locator: Locator, count: number) => eventually(async () => expect(await locator.count()).toBe(count));
const hasValue = (locator: Locator, value: string) => eventually(async () => expect(await locator.inputValue()).toBe(value));

/** A fresh browser context (harness/browser.ts: its own storage, in the file's one Chromium) on a URL. */
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
  return clock
    .split(':')
    .map(Number)
    .reduce((total, part) => total * 60 + part, 0);
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
    expect(await page.locator('#clock').textContent()).toMatch(
      /^Virtual clock at \d+:\d\d since start: time moves only when you advance it\.$/,
    );
    const before = await clockSeconds(page);
    await page.getByRole('button', { name: 'Advance the clock by 30 s' }).click();
    await page.waitForFunction(
      `/at .* since start/.test(document.getElementById('clock').textContent) && document.getElementById('clock').textContent.indexOf(${JSON.stringify(formatClock(before + 30))}) >= 0`,
    );
    expect(await clockSeconds(page)).toBe(before + 30);
    await expect(page.getByRole('button', { name: 'Advance the clock by 5 min' }).count()).resolves.toBe(1);
  });

  it('groups each call with its legs labelled, offers the actions that fit, folds finished calls away, and lists the log newest first', async () => {
    session = await openPage(`${h.emu.url}/emulator`);
    const { page } = session;
    // To is prefilled with the business number (the first configured number).
    await hasValue(page.getByLabel('To'), BUSINESS_NUMBER);
    await page.getByRole('button', { name: 'Call', exact: true }).click();

    // One card for the call; in it the caller's leg and the agent's (ringing: the virtual clock does not move by itself).
    const card = page.locator('#calls li.call', { hasText: `Call from +15551230000 to ${BUSINESS_NUMBER}` });
    const caller = card.locator('li.leg[data-role="caller"]');
    const agent = card.locator('li.leg[data-role="agent"]');
    await hasText(agent.locator('.status'), 'ringing');
    await hasText(caller.locator('.status'), 'in-progress');
    await hasTexts(caller.getByRole('button'), ['Hang up']);
    await hasTexts(agent.getByRole('button'), ['Answer', 'Reject']);
    await hasText(caller.locator('.hears'), 'music: hold-music.mp3');

    await agent.getByRole('button', { name: /^Answer/ }).click();
    await hasText(caller.locator('.hears'), 'the agent');
    await hasText(agent.locator('.hears'), 'the caller');
    await hasText(caller.locator('.leg-state'), /^talking since \d+:\d\d \(\d+ s\)$/);
    await hasTexts(card.getByRole('button'), ['Hang up', 'Hang up']);

    // Held: the caller's leg says so, with the time on hold, and hears the music.
    expect((await h.control('hold', { CallSid: (await caller.getAttribute('data-sid')) as string })).status).toBe(200);
    await hasText(caller.locator('.held'), /^on hold for \d+ s$/);
    await hasText(caller.locator('.hears'), /^music/);
    await page.getByRole('button', { name: 'Advance the clock by 30 s' }).click();
    await hasText(caller.locator('.held'), /^on hold for (3\d) s$/);

    await caller.getByRole('button', { name: /^Hang up/ }).click();
    await hasText(page.locator('#calls'), 'No live calls.');
    await hasText(page.locator('#finished-summary'), 'Finished calls (1)');
    await page.locator('#finished li.call').first().waitFor({ state: 'hidden' });
    await page.locator('#finished-summary').click();
    await hasCount(page.locator('#finished li.leg'), 2);
    await hasCount(page.locator('#finished li.call').first().getByRole('button'), 0);

    // The console's polling is folded out of the log by default, and shown on demand.
    await page.evaluate(
      `fetch('/v1/Services/default/Maps/hold-calls/Items', { headers: { Authorization: 'Basic ' + btoa(${JSON.stringify(`${h.emu.accountSid}:${h.emu.authToken}`)}) } })`,
    );
    await hasText(page.locator('#log-hidden'), /^\d+ reads of the call records hidden\.$/);
    await hasCount(page.locator('#log li', { hasText: /GET \/v1\/Services\/[^ ]+\/Maps\/hold-calls\/Items ->/ }), 0);
    await page.getByLabel(/Hide reads of the call records/).uncheck();
    await page
      .locator('#log li', { hasText: /GET \/v1\/Services\/[^ ]+\/Maps\/hold-calls\/Items ->/ })
      .first()
      .waitFor({ state: 'visible' });
    // The 404s of cleanup are marked as expected: a record or queue deleted when it was already gone
    // (dial mode's second queue delete at a hang-up after a resume does that; here, one such delete).
    await page.evaluate(
      `fetch('/v1/Services/default/Maps/hold-calls/Items/CA${'0'.repeat(32)}', { method: 'DELETE', headers: { Authorization: 'Basic ' + btoa(${JSON.stringify(`${h.emu.accountSid}:${h.emu.authToken}`)}) } })`,
    );
    await page.locator('#log li.expected', { hasText: '(expected: cleanup of what was already gone)' }).first().waitFor();

    // Newest first: the log's times never increase down the list, and long lines wrap.
    const times = (await page.locator('#log li .t').allTextContents()).map((t) =>
      t
        .split(':')
        .map(Number)
        .reduce((a, b) => a * 60 + b, 0),
    );
    expect(times.length).toBeGreaterThan(3);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    await eventually(async () =>
      expect(
        await page
          .locator('#log li')
          .first()
          .evaluate(
            (li) => (globalThis as unknown as { getComputedStyle(e: unknown): { whiteSpace: string } }).getComputedStyle(li).whiteSpace,
          ),
      ).toBe('pre-wrap'),
    );
    expect(await overflowsSideways(page)).toBe(false);
  });

  it('is usable at 390 px: nothing is cut off or scrolls sideways, and each label sits by its field', async () => {
    session = await openPage(`${h.emu.url}/emulator`, { width: 390, height: 844 });
    const { page } = session;
    await hasValue(page.getByLabel('To'), BUSINESS_NUMBER);
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await hasText(page.locator('li.leg[data-role="agent"] .status'), 'ringing');
    expect(await overflowsSideways(page)).toBe(false);
    const card = page.locator('li.call').first();
    const box = await card.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    for (const name of ['From', 'To']) {
      const label = (await page.locator(`label[for="${name.toLowerCase()}"]`).boundingBox())!;
      const field = (await page.getByLabel(name).boundingBox())!;
      // On the same line, the field just after its label.
      expect(Math.abs(label.y + label.height / 2 - (field.y + field.height / 2))).toBeLessThan(field.height / 2);
      expect(field.x).toBeGreaterThan(label.x + label.width - 1);
      expect(field.x - (label.x + label.width)).toBeLessThan(24);
    }
  });
});

describe('the emulator page in dial mode', () => {
  let h: E2eHarness;
  let session: Session | undefined;
  beforeAll(async () => {
    h = await startE2e({ mode: 'dial' });
  });
  afterAll(async () => {
    await session?.close();
    await h.close();
  });

  it("labels the agent's dialled leg, and says a held caller is held in its queue and for how long", async () => {
    session = await openPage(`${h.emu.url}/emulator`);
    const { page } = session;
    const callerSid = await h.placeCall();
    const card = page.locator('#calls li.call', { hasText: 'Call from +15551230000' });
    const caller = card.locator('li.leg[data-role="caller"]');
    const agent = card.locator('li.leg[data-role="agent"]');
    await hasText(agent.locator('.status'), 'ringing');
    await page.getByRole('button', { name: 'Advance the clock by 1 s' }).click();
    await page.getByRole('button', { name: 'Advance the clock by 1 s' }).click();
    await hasText(caller.locator('.hears'), 'the agent');
    expect((await h.control('hold', { CallSid: callerSid })).status).toBe(200);
    await hasText(caller.locator('.leg-state'), /^on hold for \d+ s \(held in its queue\)$/);
    await hasText(caller.locator('.hears'), /^music/);
    await page.getByRole('button', { name: 'Advance the clock by 30 s' }).click();
    await hasText(caller.locator('.held'), /^on hold for 3\d s$/);
    await hasText(card.locator('.legs > li').first().locator('.role'), 'caller');
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
