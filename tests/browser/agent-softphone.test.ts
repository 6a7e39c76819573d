// The client: agent's softphone page (examples/agent-softphone/, built into dist/assets) in headless
// Chromium, served by the BUILT functions under twilio-run as it is deployed. What can run offline:
// the page loads with nothing from another origin and no script error, a wrong token is refused in
// words, and the right one gets a Voice token from /agent-token and hands it to a Voice SDK Device,
// which starts registering. The registration itself needs Twilio's signalling: requests to
// twilio.com are refused here, and the page says so instead of failing silently. Needs `npm run build`
// first and a Chromium (harness/browser.ts).
import { type BrowserSession, closeBrowsers, openBrowser } from '../../harness/browser';
import { HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

jest.setTimeout(90_000);
// One Chromium for the file; each test has its own context (harness/browser.ts).
afterAll(closeBrowsers);

describe('the agent softphone page', () => {
  let h: E2eHarness;
  let session: BrowserSession | undefined;
  beforeAll(async () => {
    h = await startE2e({
      mode: 'conference',
      env: {
        AGENT_NUMBER: 'client:alice',
        TWILIO_API_KEY: 'SK' + 'e2e0'.repeat(8),
        TWILIO_API_SECRET: 'e2e-api-key-secret-0123456789abcdef',
        TWIML_APP_SID: 'AP' + 'e2e0'.repeat(8),
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  async function open(): Promise<{ session: BrowserSession; errors: string[]; foreign: string[] }> {
    const opened = await openBrowser({ width: 390, height: 844 });
    const errors: string[] = [];
    const foreign: string[] = [];
    opened.page.on('pageerror', (error) => errors.push(error.message));
    // Offline there is no Twilio to reach: refuse its hosts at once rather than wait on DNS.
    await opened.context.route(/twilio\.com/, (route) => route.abort());
    opened.page.on('request', (request) => {
      if (!request.url().startsWith(h.functions.url)) foreign.push(request.url());
    });
    opened.page.setDefaultTimeout(20_000);
    await opened.page.goto(`${h.functions.url}/agent-softphone.html`);
    return { session: opened, errors, foreign };
  }

  it('loads from its own origin only, without a script error', async () => {
    const opened = await open();
    session = opened.session;
    await session.page.getByRole('status').filter({ hasText: 'Not connected.' }).waitFor();
    expect(await session.page.getByLabel('HOLD_API_TOKEN').getAttribute('type')).toBe('password');
    expect(opened.foreign).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it('says a wrong token was refused, and registers nothing', async () => {
    const opened = await open();
    session = opened.session;
    await session.page.getByLabel('HOLD_API_TOKEN').fill('not-the-token');
    await session.page.getByRole('button', { name: 'Connect' }).click();
    await session.page.getByRole('alert').filter({ hasText: 'That token was refused.' }).waitFor();
    expect(await session.page.getByRole('status').textContent()).toBe('Not connected.');
    expect(opened.foreign).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it('with the right token, hands a Voice token to a Device that starts registering with Twilio', async () => {
    const opened = await open();
    session = opened.session;
    const tokenAnswer = session.page.waitForResponse((response) => response.url().endsWith('/agent-token'));
    await session.page.getByLabel('HOLD_API_TOKEN').fill(HOLD_API_TOKEN);
    await session.page.getByRole('button', { name: 'Connect' }).click();
    const answer = await tokenAnswer;
    expect(answer.status()).toBe(200);
    expect(((await answer.json()) as { identity: string }).identity).toBe('alice');
    await session.page.getByRole('status').filter({ hasText: 'Registering…' }).waitFor();
    // The token field is emptied once read: the token stays in the page's memory only.
    expect(await session.page.getByLabel('HOLD_API_TOKEN').inputValue()).toBe('');
    expect(opened.errors).toEqual([]);
    // Twilio cannot be reached from here: the Device's error is shown, with Twilio's code.
    await session.page
      .getByRole('alert')
      .filter({ hasText: /^Twilio error \d+: / })
      .waitFor();
    // Whatever the Device tried to reach is Twilio's (refused here), never a third party.
    expect(opened.foreign.filter((url) => !/^wss?:\/\/[^/]*twilio\.com\//.test(url) && !/^https:\/\/[^/]*twilio\.com\//.test(url))).toEqual(
      [],
    );
  });
});
