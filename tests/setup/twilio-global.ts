// Twilio Functions run with a global `Twilio` (the twilio package plus Twilio.Response).
// twilio-run builds it the same way from @twilio/runtime-handler's dev runtime; unit tests that
// call handlers directly need it too. The package's exports map hides that file, so it is
// loaded by path.
import { join } from 'node:path';
import twilio from 'twilio';

const runtimeHandler = join(__dirname, '..', '..', 'node_modules', '@twilio', 'runtime-handler');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime's own Response, from a path inside the package
const { Response } = require(join(runtimeHandler, 'dist', 'dev-runtime', 'internal', 'response.js')) as {
  Response: new () => unknown;
};

(globalThis as unknown as { Twilio: unknown }).Twilio = Object.assign({}, twilio, { Response });
