// The test environment of every suite (jest.config.js): Node's, with the console held back.
//
// Many tests fail on purpose (Twilio answers 500, HOLD_API_TOKEN is unset, a webhook is forged) and
// the code under test logs an error, as it would on Twilio. Printed, those expected errors make a
// green `npm test` look broken. So what a test logs is kept, and printed only when that test (or
// a hook around it) fails, under a line that says so. JEST_SHOW_LOGS=1 prints everything as it
// comes. Written in JavaScript because jest loads the environment before any transform.
const { TestEnvironment } = require('jest-environment-node');

const METHODS = ['log', 'info', 'warn', 'error', 'debug'];

class QuietConsoleEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.held = [];
    this.showAll = process.env.JEST_SHOW_LOGS === '1';
  }

  /** jest-runner sets the test's console after constructing the environment: wrap it on first use. */
  holdConsole() {
    const testConsole = this.global.console;
    if (this.showAll || !testConsole || testConsole.__heldBack) return;
    const original = {};
    for (const method of METHODS) {
      original[method] = testConsole[method].bind(testConsole);
      testConsole[method] = (...args) => this.held.push({ method, args });
    }
    testConsole.__heldBack = original;
  }

  release(heading) {
    const original = this.global.console && this.global.console.__heldBack;
    if (original && this.held.length > 0) {
      original.error(`${heading}; what it logged (${this.held.length} line(s)) follows:`);
      for (const { method, args } of this.held) original[method](...args);
    }
    this.held = [];
  }

  async handleTestEvent(event) {
    if (event.name === 'setup' || event.name === 'test_start' || event.name === 'run_describe_start') this.holdConsole();
    if (event.name === 'test_start') this.held = [];
    if (event.name === 'hook_failure') this.release(`A ${event.hook.type} hook failed`);
    if (event.name === 'test_done') {
      if (event.test.errors.length > 0) this.release(`"${event.test.name}" failed`);
      else this.held = [];
    }
  }
}

module.exports = QuietConsoleEnvironment;
