// The emulator's programmatic API (docs/emulator-api.md): start it, drive it, observe it.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { Engine, type PhoneNumberConfig, type ResponseViolation } from './engine/engine';
import type { LogEntry } from './engine/event-log';
import type { Fault } from './engine/faults';
import type { Hearing } from './engine/hearing';
import type { PartyConfig } from './engine/parties';
import { type CallView, type ConferenceView, type QueueView, callView, callViews, conferenceViews, queueViews } from './engine/views';
import type { WebhookTransport } from './engine/webhooks';
import { listen } from './server';

export type {
  CallView,
  ConferenceView,
  Fault,
  Hearing,
  LogEntry,
  PartyConfig,
  PhoneNumberConfig,
  QueueView,
  ResponseViolation,
  WebhookTransport,
};
export type { WebhookRequest, WebhookResponse } from './engine/webhooks';
export type { ParticipantView, QueueMemberView } from './engine/views';
export { DEFAULT_MUSIC_URL, APPLICATION_ERROR_TEXT } from './engine/hearing';
export { PARTICIPANT_TIMEOUT_BUFFER_SEC } from './engine/conferences';

export const DEFAULT_ACCOUNT_SID = 'AC' + '0'.repeat(31) + '1';
// 32 characters, like a real auth token: twilio-run's getTwilioClient() refuses any other length.
export const DEFAULT_AUTH_TOKEN = 'emulator0auth0token0000000000000';

export interface EmulatorOptions {
  accountSid?: string;
  authToken?: string;
  /**
   * The token that changes through the control API (/emulator/*) need, as
   * `Authorization: Bearer <token>` (docs/emulator-api.md#access). Default: a random one per start.
   */
  controlToken?: string;
  clock?: 'virtual' | 'real';
  port?: number;
  host?: string;
  numbers?: PhoneNumberConfig[];
  /** For destinations not configured with setParty. Default: answer after 2 s. */
  defaultParty?: PartyConfig;
  webhookTransport?: WebhookTransport;
  /** How long one play of an audio URL lasts (the emulator does not download audio). Default 30 s. */
  audioDurationMs?: number;
  /** Outbound POST /Calls pacing; Twilio's default is 1 per second. 0 = unlimited. */
  callsPerSecond?: number;
  /** How many log entries to keep (a ring). Default 50,000; 0 keeps none. */
  logLimit?: number;
  /**
   * Check every REST response against Twilio's OpenAPI response schemas; what breaks them is
   * listed by responseViolations() (and logged as an error). Default off: it costs time per response.
   */
  validateResponses?: boolean;
}

export interface Emulator {
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** The control API's token (EmulatorOptions.controlToken). */
  readonly controlToken: string;
  readonly faults: { add(fault: Fault): void; clear(): void; list(): Fault[] };
  setNumber(config: PhoneNumberConfig): void;
  setParty(address: string, config: PartyConfig): void;
  /** An inbound call from `from` to a configured number; resolves with its CallSid once created. */
  placeCall(call: { from: string; to: string }): Promise<string>;
  answer(callSid: string): Promise<void>;
  hangup(callSid: string): Promise<void>;
  advance(ms: number): Promise<void>;
  settle(): Promise<void>;
  hears(callSid: string): Hearing | undefined;
  call(callSid: string): CallView | undefined;
  calls(): CallView[];
  conferences(): ConferenceView[];
  queues(): QueueView[];
  log(): LogEntry[];
  /** With validateResponses: the REST responses that did not match Twilio's schemas (empty = all did). */
  responseViolations(): ResponseViolation[];
  /** Engine clock in ms since start. */
  now(): number;
  /** The engine itself, for the benchmark and white-box tests. */
  readonly engine: Engine;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const accountSid = options.accountSid ?? DEFAULT_ACCOUNT_SID;
  const authToken = options.authToken ?? DEFAULT_AUTH_TOKEN;
  const engine = new Engine({
    accountSid,
    authToken,
    clock: options.clock ?? 'virtual',
    defaultParty: options.defaultParty ?? { behavior: 'answer', afterMs: 2000 },
    webhookTransport: options.webhookTransport,
    audioDurationMs: options.audioDurationMs,
    callsPerSecond: options.callsPerSecond,
    logLimit: options.logLimit,
    validateResponses: options.validateResponses,
  });
  for (const n of options.numbers ?? []) engine.setNumber(n);
  const controlToken = options.controlToken ?? randomBytes(16).toString('hex');
  if (controlToken === '') throw new Error('controlToken must not be empty');
  const { server, url } = await listen(engine, options.host ?? '127.0.0.1', options.port ?? 0, controlToken);
  return new RunningEmulator(engine, server, url, accountSid, authToken, controlToken);
}

class RunningEmulator implements Emulator {
  readonly faults;

  constructor(
    readonly engine: Engine,
    private readonly server: http.Server,
    readonly url: string,
    readonly accountSid: string,
    readonly authToken: string,
    readonly controlToken: string,
  ) {
    this.faults = engine.faults;
  }

  setNumber(config: PhoneNumberConfig): void {
    this.engine.setNumber(config);
  }
  setParty(address: string, config: PartyConfig): void {
    this.engine.parties.set(address, config);
  }

  async placeCall(call: { from: string; to: string }): Promise<string> {
    return this.engine.placeInboundCall(call.from, call.to);
  }

  async answer(callSid: string): Promise<void> {
    if (!this.engine.answer(callSid)) throw new Error(`call ${callSid} is not a ringing outbound leg`);
  }

  async hangup(callSid: string): Promise<void> {
    if (!this.engine.partyHangsUp(callSid)) throw new Error(`call ${callSid} is not live`);
  }

  advance(ms: number): Promise<void> {
    return this.engine.advance(ms);
  }
  settle(): Promise<void> {
    return this.engine.settle();
  }
  hears(callSid: string): Hearing | undefined {
    return this.engine.hears(callSid);
  }
  call(callSid: string): CallView | undefined {
    return callView(this.engine, callSid);
  }
  calls(): CallView[] {
    return callViews(this.engine);
  }
  conferences(): ConferenceView[] {
    return conferenceViews(this.engine);
  }
  queues(): QueueView[] {
    return queueViews(this.engine);
  }
  log(): LogEntry[] {
    return this.engine.log.list();
  }
  responseViolations(): ResponseViolation[] {
    return [...this.engine.responseViolations];
  }
  now(): number {
    return this.engine.clock.now();
  }

  async close(): Promise<void> {
    this.engine.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
