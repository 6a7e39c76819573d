// What `npm start` prints: the configuration warnings and the banners. Pure text, so that it is
// tested on its own (tests/unit/start-banner.test.ts) and scripts/start.ts only decides what to run.
// The HOLD_API_TOKEN itself is never printed: a banner says that one is set and where it came
// from, and the offline banner reads it from a file only the user can read.
import { parsePartyAddress } from '../lib/platform/party-address';

/** A bearer token shorter than this is guessable enough to warn about (openssl rand -hex 16 gives 32). */
export const MIN_TOKEN_LENGTH = 32;

export type TokenSource = 'dotenv' | 'generated' | 'unset';

export interface StartConfig {
  agentNumber: string | undefined;
  token: string | undefined;
  tokenSource: TokenSource;
  /** Where .env was read from, for the messages. */
  dotEnvPath: string;
}

/** One line per problem that would make calls fail or the API weak; empty when all is well. */
export function configWarnings(config: StartConfig): string[] {
  const warnings: string[] = [];
  const agent = config.agentNumber ?? '';
  if (agent === '') {
    warnings.push(
      'AGENT_NUMBER is not set: every caller will hear an apology. Set it in .env (+14155550100, client:alice or sip:agent@example.com).',
    );
  } else if (!parsePartyAddress(agent)) {
    warnings.push(
      `AGENT_NUMBER "${shortened(agent)}" is not an E.164 number (+14155550100), client:identity or sip: URI: ` +
        'every caller will hear an apology until it is fixed in .env.',
    );
  }
  if (config.tokenSource === 'unset' || !config.token) {
    warnings.push('HOLD_API_TOKEN is not set: /hold and /unhold refuse every request. Set it in .env (openssl rand -hex 32).');
  } else if (config.token.length < MIN_TOKEN_LENGTH) {
    warnings.push(
      `HOLD_API_TOKEN in ${config.dotEnvPath} is ${config.token.length} characters long; use at least ${MIN_TOKEN_LENGTH} ` +
        '(openssl rand -hex 32): it is all that protects /hold and /unhold.',
    );
  }
  return warnings;
}

/** Quotes at most a short prefix of what the user wrote: a typo is recognisable, a secret is not echoed. */
function shortened(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}...` : value;
}

export function warningLines(warnings: string[]): string {
  return warnings.map((warning) => `WARNING: ${warning}\n`).join('');
}

export function tokenOrigin(config: Pick<StartConfig, 'tokenSource' | 'dotEnvPath'>): string {
  if (config.tokenSource === 'dotenv') return `set, from ${config.dotEnvPath}`;
  if (config.tokenSource === 'generated') return 'generated for this run (none in .env)';
  return 'NOT set';
}

export interface OfflineBannerInput {
  emulatorUrl: string;
  functionsUrl: string;
  mode: string;
  agentNumber: string;
  businessNumber: string;
  demoCaller: string;
  tokenSource: TokenSource;
  dotEnvPath: string;
  /** A file (mode 0600) that holds the token, so the commands can read it without printing it. */
  tokenFile: string;
  /** The same for the emulator's control token (changes through /emulator/* need it). */
  controlTokenFile: string;
}

/**
 * The offline banner: what runs, where to look, and commands that can be pasted as they are into
 * bash or zsh. Step 1 keeps the CallSid from the emulator's JSON answer ({"callSid": "CA..."}),
 * using node (always there, unlike jq).
 */
export function offlineBanner(b: OfflineBannerInput): string {
  const placeCall = `curl -s -X POST ${b.emulatorUrl}/emulator/calls -H "Authorization: Bearer $EMULATOR_TOKEN" --data-urlencode From=${b.demoCaller} --data-urlencode To=${b.businessNumber}`;
  const keep =
    b.tokenSource === 'dotenv' ? '' : `  To keep the token across starts, set HOLD_API_TOKEN in ${b.dotEnvPath} (openssl rand -hex 32).\n`;
  return `
Offline: no ACCOUNT_SID/AUTH_TOKEN in .env, so Twilio is played by the local emulator.
  hold console     ${b.functionsUrl}/index.html   (paste the token: cat ${b.tokenFile})
  emulator page    ${b.emulatorUrl}/emulator   (every call, who hears what, the log)
  functions        ${b.functionsUrl}   (HOLD_MODE=${b.mode}, AGENT_NUMBER=${b.agentNumber}; twilio-run --no-fork-process)
  business number  ${b.businessNumber} -> ${b.functionsUrl}/incoming-call
  HOLD_API_TOKEN   ${tokenOrigin(b)}; not printed, it is in ${b.tokenFile}
${keep}
Try it (paste into bash or zsh as it is):
  TOKEN=$(cat ${b.tokenFile}); EMULATOR_TOKEN=$(cat ${b.controlTokenFile})
  CALL=$(${placeCall} | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).callSid'); echo $CALL
  sleep 3    # the agent answers after 2 s; a hold while it still rings answers 409
  curl -s -X POST ${b.functionsUrl}/hold   -H "Authorization: Bearer $TOKEN" -d CallSid=$CALL; echo
  curl -s -X POST ${b.functionsUrl}/unhold -H "Authorization: Bearer $TOKEN" -d CallSid=$CALL; echo
  curl -s ${b.emulatorUrl}/emulator/state    # who hears what, as JSON

Ctrl-C stops everything.
`;
}

export interface OnlineBannerInput {
  port: number;
  ngrok: boolean;
  tokenSource: TokenSource;
  dotEnvPath: string;
}

export function onlineBanner(b: OnlineBannerInput): string {
  const where = b.ngrok
    ? "through an ngrok tunnel (its URL is printed below): set your number's Voice URL to https://<tunnel>/incoming-call, " +
      'and open https://<tunnel>/index.html for the hold console.'
    : `on http://localhost:${b.port}, which Twilio cannot reach. Use \`npm start -- --ngrok\`: twilio-run then opens a ` +
      'tunnel and the functions build their webhook URLs (holdUrl, waitUrl, callbacks) on its https address ' +
      '(docs/security.md). To go live, see docs/going-live.md.';
  return `\nServing the functions for your Twilio account ${where}\n  HOLD_API_TOKEN   ${tokenOrigin(b)}\nCtrl-C stops everything.\n`;
}

export function stoppedLine(ports: number[]): string {
  return `Stopped: everything npm start started has exited; port${ports.length > 1 ? 's' : ''} ${ports.join(' and ')} ${ports.length > 1 ? 'are' : 'is'} free.`;
}
