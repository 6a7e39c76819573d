// The offline stack, end to end: the local emulator (virtual clock) and the BUILT functions served
// by the real twilio-run, wired together over real HTTP, in either mode. The call-flow tests and
// `npm run simulate` both start it from here, so a simulation shows exactly what the tests exercise.
// Run `npm run build` first.
import { type ConferenceView, type Emulator, type Hearing, startEmulator } from '../emulator';
import { type FunctionsServer, startFunctionsServer } from './functions-server';
import { GatedWebhookTransport } from './gated-webhooks';

export const BUSINESS_NUMBER = '+15550100000';
export const CALLER_NUMBER = '+15551230000';
export const AGENT_NUMBER = '+15550100001';
export const HOLD_API_TOKEN = 'e2e-hold-api-token-0123456789';
/**
 * The emulator's control token (docs/emulator-api.md#access): a test that calls the control API
 * over HTTP sends `Authorization: Bearer ${EMULATOR_CONTROL_TOKEN}` (also `h.emu.controlToken`).
 * The functions get it as EMULATOR_CONTROL_TOKEN, as npm start gives it to them.
 */
export const EMULATOR_CONTROL_TOKEN = 'e2e-emulator-control-token-0123456789';

export const E2E_ACCOUNT_SID = 'AC' + 'e2e0'.repeat(8);
export const E2E_AUTH_TOKEN = 'e2eauthtoken'.padEnd(32, '0');

/** How long the emulator's agent takes to answer (virtual clock). */
export const AGENT_ANSWERS_AFTER_MS = 2000;

export interface ControlReply {
  status: number;
  body: Record<string, unknown>;
}

export interface E2eHarness {
  emu: Emulator;
  functions: FunctionsServer;
  /**
   * Runs `run` (a request to a function) while the emulator holds back the webhooks it would send,
   * and sends them once it is over: the REST requests logged meanwhile are then those `run` made,
   * not also those of the webhooks it set off (on Twilio they run side by side; tests/bench/request-counts.test.ts).
   */
  withWebhooksHeld<T>(run: () => Promise<T>): Promise<T>;
  /** An inbound call from CALLER_NUMBER to BUSINESS_NUMBER; resolves once the first TwiML ran. */
  placeCall(): Promise<string>;
  /** The agent's dialled leg of a caller's call (dial mode): its child. */
  agentLegOf(callerCallSid: string): string | undefined;
  /** POST /hold or /unhold with the token (form-encoded), then let the emulator settle. */
  control(action: 'hold' | 'unhold', body: Record<string, string>, token?: string): Promise<ControlReply>;
  /** A party hangs up (recorded, so that endedByUs() can tell it from our own doing). */
  partyHangsUp(callSid: string): Promise<void>;
  /** Advances the virtual clock and lets every webhook finish. */
  advance(ms: number): Promise<void>;
  /** What a call hears, or 'ended'. */
  hears(callSid: string): Hearing | 'ended';
  /**
   * Of these calls, those that ended neither by their party hanging up, nor by a <Hangup> they ran,
   * nor because their parent's party hung up (Twilio ends a <Dial> child with its parent): what a
   * trap (redirecting a bridged parent hangs up its child) or any other dropped call looks like.
   */
  droppedCalls(callSids: string[]): string[];
  /** Every REST request the emulator answered, in order ("POST /2010-04-01/... -> 200"). */
  restLog(): { t: number; summary: string; params: Record<string, unknown> }[];
  /** REST requests to the emulator that POSTed new TwiML (Url or Twiml) to this call. */
  redirectsOf(callSid: string): { t: number; params: Record<string, unknown> }[];
  /** Conference mode: the live conference named after a caller's call (init or in-progress). */
  conferenceOf(callerCallSid: string): ConferenceView | undefined;
  /**
   * The agent's call of a caller's call, in either mode: the participant labelled "agent" of the
   * caller's live conference (conference mode), else the caller's dialled child leg (dial mode).
   */
  agentOf(callerCallSid: string): string | undefined;
  /**
   * droppedCalls() for conference mode, where a party hanging up ends the conference for both
   * (endConferenceOnExit): a call put out of a conference that ended because a party who hung up
   * left it, at that same instant, was released by that party, not dropped by us.
   */
  droppedConferenceCalls(callSids: string[]): string[];
  /**
   * An outage of the functions: twilio-run is stopped (every webhook to it then fails to connect,
   * as when a deployment is down), until functionsBack() starts it again on the same port.
   */
  functionsDown(): Promise<void>;
  functionsBack(): Promise<void>;
  close(): Promise<void>;
}

export interface E2eOptions {
  mode: 'conference' | 'dial';
  env?: Record<string, string>;
}

export async function startE2e(options: E2eOptions): Promise<E2eHarness> {
  const webhooks = new GatedWebhookTransport();
  const emu = await startEmulator({
    // twilio-run's getTwilioClient() refuses credentials that do not look like Twilio's own.
    accountSid: E2E_ACCOUNT_SID,
    authToken: E2E_AUTH_TOKEN,
    controlToken: EMULATOR_CONTROL_TOKEN,
    clock: 'virtual',
    defaultParty: { behavior: 'answer', afterMs: AGENT_ANSWERS_AFTER_MS },
    callsPerSecond: 0,
    webhookTransport: webhooks,
    // Every REST response the functions read is checked against Twilio's OpenAPI response
    // schemas; close() fails on the first that does not match.
    validateResponses: true,
  });
  let functions: FunctionsServer;
  const functionsEnv = {
    ACCOUNT_SID: emu.accountSid,
    AUTH_TOKEN: emu.authToken,
    TWILIO_API_BASE_URL: emu.url,
    AGENT_NUMBER,
    HOLD_MODE: options.mode,
    HOLD_API_TOKEN,
    // Screening (on in production) is tested on its own (tests/e2e/screening.test.ts), so that the
    // other flows keep their request counts and timings; a test turns it on with env.
    AGENT_SCREENING: 'off',
    EMULATOR_CONTROL_TOKEN,
    // No line unless a test asks for one (tests/e2e/line.test.ts, docs/line.md): the other suites
    // keep several calls to the one agent number at once, each its own agent leg, and count the
    // REST requests of a call.
    LINE_MAX_WAIT_SECONDS: '0',
    ...options.env,
  };
  let functionsUp = true;
  try {
    functions = await startFunctionsServer(functionsEnv);
  } catch (error) {
    await emu.close();
    throw error;
  }
  emu.setNumber({ phoneNumber: BUSINESS_NUMBER, voiceUrl: `${functions.url}/incoming-call`, voiceMethod: 'POST' });
  const hungUpByParty = new Set<string>();

  const harness: E2eHarness = {
    emu,
    functions,
    withWebhooksHeld: (run) => webhooks.heldWhile(run),
    async placeCall() {
      const sid = await emu.placeCall({ from: CALLER_NUMBER, to: BUSINESS_NUMBER });
      await emu.settle();
      return sid;
    },
    agentLegOf(callerCallSid) {
      return emu.calls().find((call) => call.parentCallSid === callerCallSid)?.sid;
    },
    async control(action, body, token = HOLD_API_TOKEN) {
      const response = await fetch(`${functions.url}/${action}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
      const text = await response.text();
      await emu.settle();
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = { text };
      }
      return { status: response.status, body: parsed };
    },
    async partyHangsUp(callSid) {
      hungUpByParty.add(callSid);
      await emu.hangup(callSid);
      await emu.settle();
    },
    async advance(ms) {
      await emu.advance(ms);
      await emu.settle();
    },
    hears(callSid) {
      return emu.hears(callSid) ?? 'ended';
    },
    droppedCalls(callSids) {
      const ranHangup = new Set(
        emu
          .log()
          .filter((e) => e.type === 'twiml' && e.summary === '<Hangup>' && e.callSid)
          .map((e) => e.callSid!),
      );
      return callSids
        .map((sid) => emu.call(sid))
        .filter((call) => call !== undefined && call.status !== 'in-progress' && call.answeredAt !== undefined)
        .filter((call) => !hungUpByParty.has(call!.sid) && !ranHangup.has(call!.sid))
        .filter((call) => !(call!.parentCallSid && hungUpByParty.has(call!.parentCallSid)))
        .map((call) => call!.sid);
    },
    restLog() {
      return emu
        .log()
        .filter((e) => e.type === 'rest')
        .map((e) => ({ t: e.t, summary: e.summary, params: (e.detail?.params ?? {}) as Record<string, unknown> }));
    },
    redirectsOf(callSid) {
      const path = new RegExp(`^POST /2010-04-01/Accounts/[^/]+/Calls/${callSid}\\.json `);
      return harness
        .restLog()
        .filter((e) => path.test(e.summary) && ('Url' in e.params || 'Twiml' in e.params))
        .map(({ t, params }) => ({ t, params }));
    },
    conferenceOf(callerCallSid) {
      return emu.conferences().find((conference) => conference.friendlyName === callerCallSid);
    },
    agentOf(callerCallSid) {
      const participant = harness.conferenceOf(callerCallSid)?.participants.find((p) => p.label === 'agent');
      return participant?.callSid ?? harness.agentLegOf(callerCallSid);
    },
    droppedConferenceCalls(callSids) {
      const joined = (sid: string): string[] =>
        emu
          .log()
          .filter((e) => e.type === 'conference' && e.callSid === sid && e.summary.startsWith('joined '))
          .map((e) => /\((CF[0-9a-f]{32})\)$/.exec(e.summary)?.[1])
          .filter((cf): cf is string => cf !== undefined);
      const releasedByParty = (sid: string): boolean => {
        const endedAt = emu.call(sid)?.endedAt;
        return joined(sid).some((cf) => {
          const conference = emu.engine.store.conferences.get(cf);
          return (
            conference !== undefined &&
            conference.status === 'completed' &&
            conference.reasonEnded === 'participant-with-end-conference-on-exit-left' &&
            conference.callSidEndingConference !== undefined &&
            conference.callSidEndingConference !== sid &&
            hungUpByParty.has(conference.callSidEndingConference) &&
            conference.updatedAt === endedAt
          );
        });
      };
      return harness.droppedCalls(callSids).filter((sid) => !releasedByParty(sid));
    },
    async functionsDown() {
      await functions.stop();
      functionsUp = false;
    },
    async functionsBack() {
      functions = await startFunctionsServer(functionsEnv, functions.port);
      harness.functions = functions;
      functionsUp = true;
    },
    async close() {
      const violations = emu.responseViolations();
      if (functionsUp) await functions.stop();
      await emu.close();
      if (violations.length > 0) {
        throw new Error(`REST responses that do not match Twilio's OpenAPI schemas:\n${JSON.stringify(violations, null, 2)}`);
      }
    },
  };
  return harness;
}
