// The browser tests on a machine with only Node and npm: the system Chromium is not looked for
// (CHROMIUM_FROM_PACKAGE=1 and CHROMIUM_PATH pointing nowhere, as if /usr/bin/chromium were
// absent), so the Chromium that @sparticuz/chromium ships on Linux x64 must run the pages
// (harness/browser.ts). With it: both pages load offline with no failed request and no request
// leaving the machine (the favicon included), and the emulator page's own token places a call
// through the control API, which a request without it cannot.
import { type BrowserSession, type ConsoleStack, closeBrowsers, openBrowser, startConsoleStack } from '../../harness/browser';

jest.setTimeout(90_000);
// One Chromium for the file; each test has its own context (harness/browser.ts).
afterAll(closeBrowsers);

const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

(linuxX64 ? describe : describe.skip)("the package's Chromium, with no system browser looked for", () => {
  let stack: ConsoleStack;
  let session: BrowserSession;
  const requests: string[] = [];
  const failed: string[] = [];
  beforeAll(async () => {
    stack = await startConsoleStack('conference');
    session = await openBrowser(undefined, { lookup: { ...process.env, CHROMIUM_FROM_PACKAGE: '1', CHROMIUM_PATH: '/nowhere/chromium' } });
    session.page.setDefaultTimeout(20_000);
    session.context.on('request', (request) => requests.push(request.url()));
    session.context.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
  });
  afterAll(async () => {
    await session?.close();
    await stack?.close();
  });

  it('is the one that runs', async () => {
    expect(session.chromium).toBe('@sparticuz/chromium');
    expect(await session.page.evaluate('navigator.userAgent')).toMatch(/HeadlessChrome/);
  });

  it('loads the hold console and the emulator page with no failed request and none leaving the machine', async () => {
    const { page } = session;
    for (const url of [stack.consoleUrl, `${stack.emu.url}/emulator`]) {
      await page.goto(url, { waitUntil: 'networkidle' });
      expect(await page.title()).not.toBe('');
      // Chromium asks for /favicon.ico unless the page names an icon; twilio-run redirects that to twilio.com.
      expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:/);
    }
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.filter((url) => !/^(http:\/\/(localhost|127\.0\.0\.1):\d+\/|data:)/.test(url))).toEqual([]);
    expect(failed).toEqual([]);
  });

  it('places a call from the emulator page with the token the page was given; without it the control API refuses', async () => {
    const { page } = session;
    await page.goto(`${stack.emu.url}/emulator`);
    const answers = (await page.evaluate(`(async () => {
      const token = document.querySelector('meta[name="emulator-control-token"]').content;
      const place = (headers) => fetch('/emulator/calls', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ From: '+15551230000' }) });
      const without = await place({});
      const withToken = await place({ Authorization: 'Bearer ' + token });
      return [without.status, withToken.status, (await withToken.json()).callSid];
    })()`)) as [number, number, string];
    expect(answers.slice(0, 2)).toEqual([401, 201]);
    expect(stack.emu.call(answers[2])).toBeDefined();
  });
});
