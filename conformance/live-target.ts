// The live target: a real Twilio account. Credentials and two numbers come from .env; the
// recorder must be reachable by Twilio at CONFORMANCE_PUBLIC_URL (a tunnel such as
// `ngrok http 4599`), which open() checks before anything is spent. Both numbers' voice URLs are
// pointed at the recorder for the run and restored by close(). See docs/conformance.md.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import twilio from 'twilio';
import { Recorder, twiml } from './recorder';
import { type AgentBehaviour, TargetBase } from './target';

export interface LiveConfig {
  accountSid: string;
  authToken: string;
  /** A Twilio number of the account: places the caller's call, and is dialled as "the agent". */
  callerNumber: string;
  /** A second Twilio number of the account: the business number the scenarios answer. */
  businessNumber: string;
  /** The public https URL that reaches the recorder's port. */
  publicUrl: string;
  port: number;
  /** Tests only: send the REST requests here instead of api.twilio.com. Never read from .env. */
  apiBaseUrl?: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** Reads the live configuration from the environment (.env), or says exactly what is missing. */
export function liveConfig(env: NodeJS.ProcessEnv): LiveConfig {
  const problems: string[] = [];
  const need = (name: string, ok: (v: string) => boolean, what: string): string => {
    const v = env[name]?.trim() ?? '';
    if (!ok(v)) problems.push(`${name}: ${what}`);
    return v;
  };
  const config: LiveConfig = {
    accountSid: need('ACCOUNT_SID', (v) => /^AC[0-9a-f]{32}$/.test(v), 'your account SID (AC + 32 hex digits)'),
    authToken: need('AUTH_TOKEN', (v) => v.length >= 32, 'your auth token'),
    callerNumber: need('CONFORMANCE_CALLER_NUMBER', (v) => E164.test(v), 'a Twilio number of the account, E.164'),
    businessNumber: need('CONFORMANCE_BUSINESS_NUMBER', (v) => E164.test(v), 'a second Twilio number of the account, E.164'),
    publicUrl: need(
      'CONFORMANCE_PUBLIC_URL',
      (v) => /^https:\/\/[^/]+$/.test(v),
      'the https origin of your tunnel to the recorder, no path (e.g. https://abc.ngrok.app)',
    ),
    port: Number(env.CONFORMANCE_PORT ?? 4599),
  };
  if (config.callerNumber !== '' && config.callerNumber === config.businessNumber)
    problems.push('CONFORMANCE_CALLER_NUMBER and CONFORMANCE_BUSINESS_NUMBER must differ');
  if (!Number.isInteger(config.port) || config.port <= 0 || config.port > 65535) problems.push('CONFORMANCE_PORT: a TCP port');
  if (problems.length > 0) throw new Error(`npm run conformance -- --live needs, in .env:\n  ${problems.join('\n  ')}`);
  return config;
}

interface SavedVoiceUrl {
  sid: string;
  voiceUrl: string;
  voiceMethod: string;
}

/**
 * What a spare number's Voice URL may be for the run to take it over: none, Twilio's own demo
 * (the default of a new number), or this suite's recorder (a run that did not restore it).
 * Anything else serves real callers, who would reach the suite's TwiML during the run.
 */
export function servesRealCallers(voiceUrl: string | null | undefined, publicUrl: string): boolean {
  const url = (voiceUrl ?? '').trim();
  if (url === '' || url.startsWith('https://demo.twilio.com/')) return false;
  return !url.startsWith(`${publicUrl}/`);
}

/**
 * The question before any call is placed: yes with --yes; otherwise asked on a terminal (y or yes);
 * without a terminal (CI, a pipe) it is no.
 */
export async function confirmLiveRun(
  yes: boolean,
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  output: NodeJS.WritableStream,
): Promise<boolean> {
  if (yes) return true;
  if (!input.isTTY) {
    output.write('Not a terminal: add --yes to place these calls.\n');
    return false;
  }
  const rl = createInterface({ input, output });
  try {
    return /^(y|yes)$/i.test((await rl.question('Place these calls? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

export class LiveTarget extends TargetBase {
  readonly kind = 'twilio' as const;
  protected readonly pollEveryMs = 500;
  private saved: SavedVoiceUrl[] = [];

  private constructor(
    private readonly config: LiveConfig,
    recorder: Recorder,
  ) {
    const client = twilio(config.accountSid, config.authToken);
    if (config.apiBaseUrl) client.api.baseUrl = config.apiBaseUrl;
    super(
      client,
      recorder,
      { caller: config.callerNumber, business: config.businessNumber },
      config.publicUrl,
      randomBytes(4).toString('hex'),
    );
  }

  /** Starts the recorder, checks the tunnel reaches it, points both numbers at it. */
  static async open(config: LiveConfig): Promise<LiveTarget> {
    const recorder = await Recorder.start(config.port);
    const target = new LiveTarget(config, recorder);
    try {
      recorder.on('/health', { twiml: 'ok' });
      const answer = await fetch(`${config.publicUrl}/health`).catch((e: Error) => e);
      if (answer instanceof Error || answer.status !== 200) {
        throw new Error(
          `${config.publicUrl}/health does not reach the recorder on port ${config.port}: ${answer instanceof Error ? answer.message : `HTTP ${answer.status}`}`,
        );
      }
      recorder.reset();
      // Both are checked before either is changed.
      const business = await target.spareNumber(config.businessNumber);
      const caller = await target.spareNumber(config.callerNumber);
      await target.pointNumber(business, '/incoming');
      await target.pointNumber(caller, '/agent');
      return target;
    } catch (error) {
      await target.close();
      throw error;
    }
  }

  /** The number's SID and Voice URL; refused when it serves real callers. */
  private async spareNumber(phoneNumber: string): Promise<SavedVoiceUrl> {
    const [number] = await this.client.incomingPhoneNumbers.list({ phoneNumber, limit: 1 });
    if (!number) throw new Error(`${phoneNumber} is not a number of account ${this.config.accountSid}`);
    if (servesRealCallers(number.voiceUrl, this.config.publicUrl)) {
      throw new Error(
        `${phoneNumber} serves real callers (its Voice URL is ${number.voiceUrl}): use a spare number whose Voice URL is empty ` +
          `or Twilio's demo URL; nothing was changed`,
      );
    }
    return { sid: number.sid, voiceUrl: number.voiceUrl, voiceMethod: number.voiceMethod };
  }

  private async pointNumber(number: SavedVoiceUrl, path: string): Promise<void> {
    this.saved.push(number);
    await this.client.incomingPhoneNumbers(number.sid).update({ voiceUrl: this.url(path), voiceMethod: 'POST' });
  }

  async agent(behaviour: AgentBehaviour): Promise<string> {
    // The agent's number answers when its voice URL answers: the delay is its ringing.
    this.on(
      '/agent',
      'busy' in behaviour ? twiml('<Reject reason="busy"/>') : { ...twiml('<Pause length="120"/>'), delayMs: behaviour.answersAfterMs },
    );
    return this.config.callerNumber;
  }

  async placeInboundCall(): Promise<string> {
    const before = this.hits('/incoming').length;
    // The caller's phone: a call from one number of the account to the other, which stays on the line.
    const phone = await this.client.calls.create({
      from: this.numbers.caller,
      to: this.numbers.business,
      twiml: '<Response><Pause length="120"/></Response>',
    });
    this.started.add(phone.sid);
    const arrived = await this.waitFor(() => this.hits('/incoming').length > before, 30_000);
    if (!arrived) throw new Error(`the call ${phone.sid} to ${this.numbers.business} never requested /incoming`);
    return this.hits('/incoming')[before].params.CallSid;
  }

  wait(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  protected settleAfterCleanup(): Promise<void> {
    return this.wait(2000);
  }

  /** Restores both numbers' voice URLs and stops the recorder. */
  async close(): Promise<void> {
    for (const s of this.saved.reverse()) {
      await this.client
        .incomingPhoneNumbers(s.sid)
        .update({ voiceUrl: s.voiceUrl, voiceMethod: s.voiceMethod as 'GET' | 'POST' })
        .catch((e: Error) => {
          console.error(`could not restore the voice URL of ${s.sid} to ${s.voiceUrl}: ${e.message}`);
        });
    }
    this.saved = [];
    await this.recorder.close();
  }
}
