// Runs the emulator as a server:
//   npx tsx emulator/cli.ts --port 3001 --number +15550100000=http://127.0.0.1:3000/incoming-call --clock real
// Options: --port, --host, --clock real|virtual, --number E164=URL (repeatable), --account-sid,
// --auth-token, --audio-ms (length of one play of an audio URL), --validate-responses (check each
// REST response against Twilio's OpenAPI schemas; a mismatch is an error in the event log),
// --control-token (or EMULATOR_CONTROL_TOKEN; default: a random one, printed) for changes through
// the control API.
import { parseArgs } from 'node:util';
import { startEmulator } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3001' },
      host: { type: 'string', default: '127.0.0.1' },
      clock: { type: 'string', default: 'real' },
      number: { type: 'string', multiple: true, default: [] },
      'account-sid': { type: 'string' },
      'auth-token': { type: 'string' },
      'audio-ms': { type: 'string' },
      'validate-responses': { type: 'boolean', default: false },
      'control-token': { type: 'string' },
    },
  });
  if (values.clock !== 'real' && values.clock !== 'virtual') throw new Error('--clock must be real or virtual');
  const numbers = (values.number ?? []).map((spec) => {
    const eq = spec.indexOf('=');
    if (eq < 1) throw new Error(`--number must look like +15550100000=http://host/incoming-call, not "${spec}"`);
    return { phoneNumber: spec.slice(0, eq), voiceUrl: spec.slice(eq + 1), voiceMethod: 'POST' as const };
  });
  const emu = await startEmulator({
    port: Number(values.port),
    host: values.host,
    clock: values.clock,
    numbers,
    accountSid: values['account-sid'],
    authToken: values['auth-token'],
    audioDurationMs: values['audio-ms'] ? Number(values['audio-ms']) : undefined,
    validateResponses: values['validate-responses'],
    controlToken: values['control-token'] || process.env.EMULATOR_CONTROL_TOKEN || undefined,
  });
  console.log(`Twilio voice emulator listening on ${emu.url} (clock: ${values.clock})`);
  console.log(`  REST API:     ${emu.url}/2010-04-01/Accounts/${emu.accountSid}/...  (Basic auth ${emu.accountSid}:${emu.authToken})`);
  console.log(`  control page: ${emu.url}/emulator  (changes need Authorization: Bearer ${emu.controlToken})`);
  for (const n of numbers) console.log(`  number ${n.phoneNumber} -> ${n.voiceUrl}`);
  const stop = (): void => {
    void emu.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
