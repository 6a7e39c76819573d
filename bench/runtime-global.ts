// The global `Twilio` a Function runs with (the twilio package plus Twilio.Response), built as
// twilio-run's dev runtime builds it, for calling built handlers in-process (handler-time.ts).
import path from 'node:path';

export function installRuntimeGlobal(): void {
  if ((globalThis as { Twilio?: unknown }).Twilio) return;
  const dir = path.join(__dirname, '..', 'node_modules', '@twilio', 'runtime-handler', 'dist', 'dev-runtime', 'internal');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime's own Response, from a path inside the package
  const { Response } = require(path.join(dir, 'response.js')) as { Response: unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a benchmark needs the global
  (globalThis as { Twilio?: unknown }).Twilio = Object.assign({}, require('twilio'), { Response });
}
