// Which Chromium the browser tests try, in order (harness/browser.ts): CHROMIUM_PATH, a system
// Chrome or Chromium in the usual places, then the one @sparticuz/chromium ships on Linux x64;
// CHROMIUM_FROM_PACKAGE=1 skips the first two. When none can run, one line says what to install
// (tests/browser/package-chromium.test.ts launches the package's for real).
import { chromiumCandidates, NO_CHROMIUM, openBrowser } from '../../harness/browser';

const none = (): boolean => false;
const only =
  (path: string) =>
  (candidate: string): boolean =>
    candidate === path;

describe('the Chromium the browser tests use', () => {
  it("Linux x64: CHROMIUM_PATH, then the first system browser found, then the package's", () => {
    const sources = chromiumCandidates({ CHROMIUM_PATH: '/opt/my/chrome' }, 'linux', 'x64', only('/usr/bin/google-chrome')).map(
      (c) => c.source,
    );
    expect(sources).toEqual(['CHROMIUM_PATH=/opt/my/chrome', '/usr/bin/google-chrome', '@sparticuz/chromium']);
    expect(chromiumCandidates({}, 'linux', 'x64', only('/usr/bin/chromium')).map((c) => c.source)).toEqual([
      '/usr/bin/chromium',
      '@sparticuz/chromium',
    ]);
  });

  it("CHROMIUM_FROM_PACKAGE=1: the package's alone, with its libraries and fonts for the browser's process", () => {
    const [only_, ...rest] = chromiumCandidates(
      { CHROMIUM_FROM_PACKAGE: '1', CHROMIUM_PATH: '/opt/my/chrome' },
      'linux',
      'x64',
      () => true,
    );
    expect(rest).toEqual([]);
    expect(only_.source).toBe('@sparticuz/chromium');
    expect(only_.env?.LD_LIBRARY_PATH).toMatch(/sparticuz-chromium-[\d.]+\/al2023\/lib$/);
    expect(only_.env?.FONTCONFIG_FILE).toMatch(/fonts\.conf$/);
  });

  it('macOS: Google Chrome or Chromium in /Applications; the package ships no macOS build', () => {
    expect(
      chromiumCandidates({}, 'darwin', 'arm64', only('/Applications/Chromium.app/Contents/MacOS/Chromium')).map((c) => c.source),
    ).toEqual(['/Applications/Chromium.app/Contents/MacOS/Chromium']);
    expect(chromiumCandidates({}, 'darwin', 'arm64', none)).toEqual([]);
  });

  /** Runs `body` as if on a platform with no system browser list and no package build. */
  async function elsewhere<T>(body: () => Promise<T>): Promise<T> {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'freebsd' });
    try {
      return await body();
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  }

  it('none to try: one line that says what to install, nothing more', async () => {
    const error = (await elsewhere(() => openBrowser(undefined, { lookup: {} }).catch((e: unknown) => e))) as Error;
    expect(error.message).toBe(NO_CHROMIUM);
    expect(error.stack).toBe(`Error: ${NO_CHROMIUM}`);
    expect(NO_CHROMIUM).not.toContain('\n');
    expect(NO_CHROMIUM).toMatch(/install Chromium or Google Chrome/);
  });

  it('none that runs: the same line, naming what was tried and why it failed', async () => {
    const error = (await elsewhere(() =>
      openBrowser(undefined, { lookup: { CHROMIUM_PATH: '/nowhere/chromium' } }).catch((e: unknown) => e),
    )) as Error;
    expect(error.message.startsWith(`${NO_CHROMIUM} Tried: CHROMIUM_PATH=/nowhere/chromium: `)).toBe(true);
    expect(error.message).not.toContain('\n');
    expect(error.stack).toBe(`Error: ${error.message}`);
  });
});
