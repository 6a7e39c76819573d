// The hold console (assets/index.html + assets-src/console/) in headless Chromium, in both modes,
// against the BUILT functions under twilio-run and the emulator on a real clock: every flow of
// the hold console by mouse and by keyboard, a REST fault shown in words, and screenshots of a held call at
// 1280 and 390 px in test-results/. Waits are for what the page shows, never for a time.
// Needs `npm run build` first and /usr/bin/chromium (.ci/run installs it).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { HOLD_API_TOKEN } from '../../harness/e2e';
import { type BrowserSession, type ConsoleStack, closeBrowsers, openBrowser, startConsoleStack } from '../../harness/browser';

jest.setTimeout(90_000);
// One Chromium for the file; each test has its own context (harness/browser.ts).
afterAll(closeBrowsers);

const RESULTS = join(__dirname, '..', '..', 'test-results');
let session: BrowserSession | undefined;

beforeAll(() => {
  mkdirSync(RESULTS, { recursive: true });
});
afterEach(async () => {
  // A long poll may still be in a route handler: it ends with the page, not as a failure.
  await session?.page.unrouteAll({ behavior: 'ignoreErrors' }).catch(() => undefined);
  await session?.close();
  session = undefined;
});

/** A fresh Chromium (fresh profile: no token kept from another test) on the console page. */
async function openConsole(stack: ConsoleStack): Promise<Page> {
  session = await openBrowser();
  const { page } = session;
  page.setDefaultTimeout(20_000);
  await page.goto(stack.consoleUrl);
  return page;
}

/** The element that has the focus, described by the given expression over `document.activeElement`. */
function focused(page: Page, what: 'id' | 'label' | 'text'): Promise<string | null> {
  const expression = {
    id: 'document.activeElement && document.activeElement.id',
    label: 'document.activeElement && document.activeElement.getAttribute("aria-label")',
    text: 'document.activeElement && document.activeElement.textContent',
  }[what];
  return page.evaluate(expression) as Promise<string | null>;
}

async function signIn(page: Page, token = HOLD_API_TOKEN): Promise<void> {
  await page.getByLabel('Hold API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (token === HOLD_API_TOKEN) await page.locator('#console').waitFor();
}

/** The one call's card; waits until the list shows it in this state. */
async function callInState(page: Page, state: string): Promise<Locator> {
  const row = page.locator('li.call').first();
  await row.locator('dd.state', { hasText: new RegExp(`^${state}$`) }).waitFor();
  return row;
}

async function placeTestCall(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Place a test call' }).click();
  return callInState(page, 'talking');
}

function toggle(row: Locator): Locator {
  return row.locator('button.toggle');
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent())?.trim() ?? '';
}

/**
 * Waits until the call's outcome line says exactly `text`. The list can show the new state (from the
 * call's record, written by the hold's callback) before the page has handled the answer that sets
 * the outcome, so the line is waited for, never read once.
 */
async function outcomeSays(row: Locator, text: string): Promise<void> {
  await row.locator('.outcome', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor();
}

async function waitForChange(page: Page, locator: Locator, from: string): Promise<void> {
  const handle = await locator.elementHandle();
  await page.waitForFunction(([node, text]) => (node as { textContent: string | null }).textContent?.trim() !== text, [
    handle,
    from,
  ] as const);
}

describe.each(['conference', 'dial'] as const)('the hold console in %s mode', (mode) => {
  let stack: ConsoleStack;
  beforeAll(async () => {
    stack = await startConsoleStack(mode);
  });
  afterAll(async () => {
    await stack?.close();
  });
  afterEach(async () => {
    stack.emu.faults.clear();
    for (const call of stack.emu.calls()) if (stack.emu.hears(call.sid)) await stack.emu.hangup(call.sid).catch(() => undefined);
  });

  it('signs in once, places a call, holds it (timer running), resumes, holds again (holds: 2), hangs up: gone', async () => {
    const page = await openConsole(stack);
    await signIn(page);
    // The token lives in this tab's sessionStorage only: not in the URL, not in a cookie.
    expect(await page.evaluate('sessionStorage.getItem("hold-console-token")')).toBe(HOLD_API_TOKEN);
    expect(page.url()).not.toContain(HOLD_API_TOKEN);
    expect(await page.context().cookies()).toEqual([]);

    const row = await placeTestCall(page);
    expect(await textOf(row.locator('dd.mode'))).toBe(mode);
    expect(await textOf(row.locator('dd.caller-hears'))).toBe('the agent');
    expect(await textOf(row.locator('dd.agent-hears'))).toBe('the caller');
    expect(await textOf(row.locator('dd.agent'))).toBe('+15550100001');
    expect(await textOf(row.locator('dd.holds'))).toBe('0');
    const from = (await textOf(row.locator('h3'))).replace('Call from ', '');
    expect(from).toMatch(/^\+1555123\d{4}$/);
    // The new call was announced ("New call from …", or "Call from … is talking to the agent." once it is).
    await page.locator('#announcer', { hasText: new RegExp(`(New call from|Call from) \\${from}`) }).waitFor({ state: 'attached' });

    await toggle(row).click();
    await callInState(page, 'on hold');
    await outcomeSays(row, 'On hold.');
    expect(await textOf(toggle(row))).toBe('Resume');
    // The count comes from the call's record, written by the hold's callback: waited for, not read once.
    await row.locator('dd.holds', { hasText: /^1$/ }).waitFor();
    await page.locator('#announcer', { hasText: `Call from ${from} is on hold.` }).waitFor({ state: 'attached' });
    await expect(textOf(row.locator('dd.caller-hears'))).resolves.toBe('hold music');
    await row.locator('dd.agent-hears', { hasText: /^silence$/ }).waitFor();
    // The record's events, by whom: the connection, then the hold, folded into the card's Events.
    await row.locator('summary', { hasText: 'Events (2)' }).waitFor();
    await row.locator('summary').click();
    await row.locator('.event-list li', { hasText: 'connected to the agent' }).waitFor();
    await row.locator('.event-list li', { hasText: "caller put on hold by the agent's software" }).waitFor();
    // The time on hold runs by itself between two reads of the list.
    const timer = row.locator('dd.hold-timer');
    const first = await textOf(timer);
    expect(first).toMatch(/^\d+:\d\d$/);
    await waitForChange(page, timer, first);

    await page.screenshot({ path: join(RESULTS, `console-${mode}-held-1280.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await row.locator('dd.state', { hasText: 'on hold' }).waitFor();
    await page.screenshot({ path: join(RESULTS, `console-${mode}-held-390.png`), fullPage: true });
    // At a phone's width nothing is cut off: the page does not scroll sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });

    await toggle(row).click();
    await callInState(page, 'talking');
    await outcomeSays(row, 'Resumed.');
    await row.locator('dd.hold-timer', { hasText: /^not on hold$/ }).waitFor();

    await toggle(row).click();
    await callInState(page, 'on hold');
    await row.locator('dd.holds', { hasText: /^2$/ }).waitFor();

    await row.getByRole('button', { name: /Hang up the caller/ }).click();
    await page.locator('li.call').first().waitFor({ state: 'detached' });
    await page.getByText('No live calls.').waitFor();
    await page.locator('#announcer', { hasText: 'has ended' }).waitFor({ state: 'attached' });
  });

  it('a wrong token says so in words, and is not kept', async () => {
    const page = await openConsole(stack);
    await signIn(page, 'not-the-token');
    await page.getByRole('alert').filter({ hasText: 'That token was refused.' }).waitFor();
    expect(await page.locator('#console').isHidden()).toBe(true);
    expect(await page.evaluate('sessionStorage.getItem("hold-console-token")')).toBeNull();
  });

  it('a REST fault is shown beside the call in words, and the button works again', async () => {
    const page = await openConsole(stack);
    await signIn(page);
    const row = await placeTestCall(page);
    // The hold's one Voice API request fails with a 500 (not retried: the API answers 502).
    stack.emu.faults.add({
      target: 'rest',
      method: 'POST',
      path: mode === 'conference' ? '/Participants/' : /\/Calls\/CA[0-9a-f]{32}\.json$/,
      status: 500,
      count: 1,
    });
    await toggle(row).click();
    await row.locator('.outcome', { hasText: 'Twilio did not do it' }).waitFor();
    expect(await textOf(row.locator('.outcome'))).toMatch(
      /^Twilio did not do it \(Twilio refused to hold .*Injected fault\)\. Nothing changed; try again\.$/,
    );
    expect(await textOf(row.locator('dd.state'))).toBe('talking');
    expect(await toggle(row).isEnabled()).toBe(true);
    await toggle(row).click();
    await callInState(page, 'on hold');
    await outcomeSays(row, 'On hold.');
  });

  it('the button is disabled while its request runs', async () => {
    const page = await openConsole(stack);
    await signIn(page);
    const row = await placeTestCall(page);
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    await page.route('**/hold', async (route) => {
      await gate;
      await route.continue();
    });
    await toggle(row).click();
    await row.locator('button.toggle[disabled][aria-busy="true"]').waitFor();
    expect(await textOf(row.locator('.outcome'))).toBe('Holding…');
    release();
    await callInState(page, 'on hold');
    await row.locator('button.toggle:not([disabled])').waitFor();
  });

  it("works with the keyboard alone (Tab and Enter), with the focus kept on the call's button", async () => {
    const page = await openConsole(stack);
    // The token field has the focus on arrival.
    expect(await focused(page, 'id')).toBe('token');
    await page.keyboard.type(HOLD_API_TOKEN);
    await page.keyboard.press('Enter');
    await page.locator('#console').waitFor();
    expect(await focused(page, 'id')).toBe('sign-out');
    await page.keyboard.press('Tab');
    expect(await focused(page, 'id')).toBe('place-call');
    await page.keyboard.press('Enter');
    const row = await callInState(page, 'talking');
    await page.keyboard.press('Tab');
    expect(await focused(page, 'label')).toMatch(/^Hold the call from \+1555/);
    await page.keyboard.press('Enter');
    await callInState(page, 'on hold');
    await page.locator('#announcer', { hasText: 'is on hold.' }).waitFor({ state: 'attached' });
    expect(await focused(page, 'label')).toMatch(/^Resume the call from \+1555/);
    await page.keyboard.press('Enter');
    await callInState(page, 'talking');
    await outcomeSays(row, 'Resumed.');
    await page.keyboard.press('Tab');
    expect(await focused(page, 'text')).toBe('Hang up caller');
    await page.keyboard.press('Enter');
    await page.getByText('No live calls.').waitFor();
  });
});

describe('the hold console with a stubbed GET /calls', () => {
  let stack: ConsoleStack;
  beforeAll(async () => {
    stack = await startConsoleStack('conference');
  });
  afterAll(async () => {
    await stack?.close();
  });

  const record = (fields: Record<string, unknown>): Record<string, unknown> => ({
    mode: 'conference',
    agent: '+15550100001',
    conferenceSid: 'CF' + '1'.repeat(32),
    agentCallSid: 'CA' + '9'.repeat(32),
    holds: 0,
    totalHoldSeconds: 0,
    longestHoldSeconds: 0,
    holdStartedAt: null,
    agentHoldStartedAt: null,
    events: [],
    linePosition: null,
    waitingSince: null,
    ...fields,
  });

  it.each([1280, 390])('shows the line of waiting callers in order, at %i px', async (width) => {
    const now = Date.now();
    const calls = [
      record({
        callSid: 'CA' + 'a'.repeat(32),
        from: '+15551230001',
        state: 'talking',
        startedAt: new Date(now - 90_000).toISOString(),
        hears: { caller: 'the-agent', agent: 'the-caller' },
      }),
      record({
        callSid: 'CA' + 'c'.repeat(32),
        from: '+15551230003',
        state: 'waiting',
        linePosition: 2,
        waitingSince: new Date(now - 20_000).toISOString(),
        startedAt: new Date(now - 20_000).toISOString(),
        agentCallSid: null,
        hears: { caller: 'music', agent: null },
      }),
      record({
        callSid: 'CA' + 'b'.repeat(32),
        from: '+15551230002',
        state: 'waiting',
        linePosition: 1,
        waitingSince: new Date(now - 60_000).toISOString(),
        startedAt: new Date(now - 60_000).toISOString(),
        agentCallSid: null,
        hears: { caller: 'music', agent: null },
      }),
    ];
    session = await openBrowser({ width, height: 844 });
    const { page } = session;
    page.setDefaultTimeout(20_000);
    await page.route(/\/calls(\?|$)/, (route) =>
      route.fulfill({ status: 200, json: { calls, emulator: false }, headers: { ETag: '"1.-.1"' } }),
    );
    await page.goto(stack.consoleUrl);
    await signIn(page);
    await page.locator('#line h3', { hasText: '2 callers waiting in line' }).waitFor();
    expect(await page.locator('#line li').allTextContents()).toEqual([
      expect.stringMatching(/^1st: \+15551230002, waiting 1:0\d$/),
      expect.stringMatching(/^2nd: \+15551230003, waiting 0:2\d$/),
    ]);
    const waiting = page.locator('li.call', { hasText: '+15551230002' });
    await expect(textOf(waiting.locator('dd.state'))).resolves.toBe('waiting in line (1st)');
    await expect(textOf(waiting.locator('dd.caller-hears'))).resolves.toBe('hold music');
    await expect(textOf(waiting.locator('dd.agent-hears'))).resolves.toBe('not connected');
    expect(await waiting.locator('button.toggle').isDisabled()).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
    await page.screenshot({ path: join(RESULTS, `console-line-${width}.png`), fullPage: true });
  });

  it('keeps the newest of the answers and the records: a stale record does not undo a newer hold', async () => {
    const now = Date.now();
    const callSid = 'CA' + 'd'.repeat(32);
    const talking = record({
      callSid,
      from: '+15551230004',
      state: 'talking',
      startedAt: new Date(now - 60_000).toISOString(),
      updatedAt: new Date(now - 30_000).toISOString(),
      hears: { caller: 'the-agent', agent: 'the-caller' },
    });
    let list = [talking];
    session = await openBrowser();
    const { page } = session;
    page.setDefaultTimeout(20_000);
    await page.route(/\/calls(\?|$)/, (route) =>
      route.fulfill({ status: 200, json: { calls: list, emulator: false }, headers: { ETag: `"${list.length}.-.1"` } }),
    );
    // The hold is applied now; the records still say talking (the callback has not been written yet).
    await page.route('**/hold', (route) =>
      route.fulfill({ status: 200, json: { callSid, mode: 'conference', held: true, appliedAt: new Date(now).toISOString() } }),
    );
    await page.goto(stack.consoleUrl);
    await signIn(page);
    const row = await callInState(page, 'talking');
    await toggle(row).click();
    await callInState(page, 'on hold');
    await expect(textOf(row.locator('dd.caller-hears'))).resolves.toBe('hold music');
    // A record written before the answer (older updatedAt) does not move the card back.
    list = [
      {
        ...talking,
        events: [
          { type: 'resume', callSid, party: 'caller', mode: 'conference', at: new Date(now - 31_000).toISOString(), heldFor: 5, by: 'api' },
        ],
      },
    ];
    await row.locator('summary', { hasText: 'Events (1)' }).waitFor();
    await expect(textOf(row.locator('dd.state'))).resolves.toBe('on hold');
    // A record written after it (a resume by someone else) is the truth.
    list = [{ ...talking, updatedAt: new Date(now + 1000).toISOString(), events: [] }];
    await row.locator('summary', { hasText: 'Events (0)' }).waitFor();
    await callInState(page, 'talking');
  });

  it('answers whose windows overlap and disagree: the record is shown, the outcome says so, and a later read settles it', async () => {
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const callSid = 'CA' + 'e'.repeat(32);
    const talking = record({
      callSid,
      from: '+15551230005',
      state: 'talking',
      startedAt: at(-60_000),
      updatedAt: at(-30_000),
      hears: { caller: 'the-agent', agent: 'the-caller' },
    });
    let list = [talking];
    session = await openBrowser();
    const { page } = session;
    page.setDefaultTimeout(20_000);
    await page.route(/\/calls(\?|$)/, (route) =>
      route.fulfill({ status: 200, json: { calls: list, emulator: false }, headers: { ETag: '"1.-.1"' } }),
    );
    // Twilio applied the hold between +0 and +400 ms, the resume between +300 and +500 ms: either came last.
    await page.route('**/hold', (route) =>
      route.fulfill({ status: 200, json: { callSid, mode: 'conference', held: true, appliedAfter: at(0), appliedAt: at(400) } }),
    );
    await page.route('**/unhold', (route) =>
      route.fulfill({ status: 200, json: { callSid, mode: 'conference', held: false, appliedAfter: at(300), appliedAt: at(500) } }),
    );
    await page.goto(stack.consoleUrl);
    await signIn(page);
    const row = await callInState(page, 'talking');
    await toggle(row).click();
    await callInState(page, 'on hold');
    // A read that began inside the hold's window says on hold: it settles nothing about the resume.
    const hold = { type: 'hold', callSid, party: 'caller', mode: 'conference', at: at(200), by: 'api' };
    list = [
      {
        ...talking,
        state: 'on-hold',
        holdStartedAt: at(200),
        updatedAt: at(200),
        hears: { caller: 'music', agent: 'silence' },
        events: [hold],
      },
    ];
    await row.locator('summary', { hasText: 'Events (1)' }).waitFor();
    await toggle(row).click();
    await row.locator('.outcome', { hasText: 'Another hold or resume of this call overlapped this one' }).waitFor();
    await expect(textOf(row.locator('dd.state'))).resolves.toBe('on hold');
    // A read that began after both windows closed is the truth.
    list = [{ ...talking, updatedAt: at(1000) }];
    await callInState(page, 'talking');
  });
});

describe('the hold console on a deployment', () => {
  let stack: ConsoleStack;
  beforeAll(async () => {
    stack = await startConsoleStack('conference');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('shows no test controls when GET /calls says the functions do not run on the emulator', async () => {
    const page = await openConsole(stack);
    await page.route(/\/calls(\?|$)/, async (route) => {
      const response = await route.fetch();
      // A long poll's 304 has no body to change.
      if (response.status() !== 200) return route.fulfill({ response });
      const body = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ response, json: { ...body, emulator: false } });
    });
    await signIn(page);
    await page.getByText('No live calls.').waitFor();
    expect(await page.getByRole('button', { name: 'Place a test call' }).isHidden()).toBe(true);
    expect(await page.locator('#emulator-controls').isHidden()).toBe(true);
  });
});
