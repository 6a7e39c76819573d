// Twilio for unit tests: the emulator (emulator/README.md), in this process on a virtual clock,
// reached by the real twilio SDK over HTTP (TWILIO_API_BASE_URL). Its REST log is read back as
// the requests the code under test made (or the recording stand-in in front of it records them:
// startTwilioProxy in fake-twilio-api.ts), so a test asserts the exact requests (method, path,
// parameters) against a model of Twilio rather than against answers written in the test.
// Webhooks that the calls request (the caller's Voice URL, hold music, status callbacks) are
// answered in-process: by `answerWebhook` (a conference for the caller, music on hold), or, with
// the `functions` option, by the real function handlers, called as twilio-run would call them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import twilio from 'twilio';
import { startEmulator, type Emulator, type WebhookRequest, type WebhookResponse, type WebhookTransport } from '../../emulator';
import type { HoldEnv } from '../../lib/platform/env';
import type { RecordedRequest } from './fake-twilio-api';
import { functionContext, invokeFunction } from './invoke-function';

export const BUSINESS = '+15550100000';
/** A number whose Voice URL dials the agent, then puts the caller in its own queue: dial mode's shape, without the functions. */
export const DIAL_NUMBER = '+15550100008';
/** A number whose Voice URL keeps the caller waiting (a long Pause): a call the functions have not answered yet. */
export const WAITING_NUMBER = '+15550100009';
export const CALLER_NUMBER = '+15551230000';
export const AGENT_NUMBER = '+15550100001';
export const ACCOUNT_SID = 'AC' + 'e'.repeat(32);
export const AUTH_TOKEN = 'emulated-twilio-auth-token';

/**
 * A REST request as the emulator logged it, with its answer's status. No authorization header: the
 * emulator answers only ACCOUNT_SID with AUTH_TOKEN (401 otherwise), so a 2xx status says they were sent.
 */
export interface EmulatedRequest extends Omit<RecordedRequest, 'authorization'> {
  status: number;
}

export interface EmulatedTwilio {
  emu: Emulator;
  url: string;
  /** The Voice API's requests since the last mark() (Sync's are logged apart and not listed). */
  requests(): EmulatedRequest[];
  /** Forgets the requests so far: what a test sets up is not what it asserts. */
  mark(): void;
  /** A client for setting up calls, as the SDK the functions use. */
  client: twilio.Twilio;
  close(): Promise<void>;
}

const TWIML = 'text/xml';

/**
 * The caller's Voice URL puts the caller in a conference named after its CallSid, as conference
 * mode's /incoming-call does; DIAL_NUMBER's dials the agent, WAITING_NUMBER's waits; any other
 * webhook (hold music, callbacks) gets music or an empty answer.
 */
function answerWebhook(request: WebhookRequest): { status: number; contentType: string; body: string } {
  if (request.url.endsWith('/incoming-call')) {
    const callSid = request.params.CallSid;
    return {
      status: 200,
      contentType: TWIML,
      body: `<Response><Dial><Conference endConferenceOnExit="true">${callSid}</Conference></Dial></Response>`,
    };
  }
  if (request.url.endsWith('/dial-incoming')) {
    const callSid = request.params.CallSid;
    return {
      status: 200,
      contentType: TWIML,
      body: `<Response><Dial><Number>${AGENT_NUMBER}</Number></Dial><Enqueue>${callSid}</Enqueue></Response>`,
    };
  }
  if (request.url.endsWith('/waiting')) return { status: 200, contentType: TWIML, body: '<Response><Pause length="3600"/></Response>' };
  if (/\/hold-music/.test(request.url))
    return { status: 200, contentType: TWIML, body: '<Response><Play loop="0">https://example.com/hold.mp3</Play></Response>' };
  return { status: 200, contentType: TWIML, body: '<Response/>' };
}

const FUNCTIONS = join(__dirname, '..', '..', 'functions');

/**
 * Webhooks answered by the function named by the URL's path (functions/NAME.protected.ts or
 * NAME.ts), with `env` and the emulator as Twilio, signed by the emulator; an .mp3 is audio.
 */
function functionsTransport(env: () => HoldEnv, pending: Set<Promise<unknown>>): WebhookTransport {
  const answer = async (request: WebhookRequest): Promise<WebhookResponse> => {
    const url = new URL(request.url);
    if (url.pathname.endsWith('.mp3')) return { status: 200, contentType: 'audio/mpeg', body: '' };
    const name = url.pathname.slice(1);
    const file = [`${name}.protected.ts`, `${name}.ts`].map((f) => join(FUNCTIONS, f)).find((f) => existsSync(f));
    if (!file) return { status: 404, contentType: 'text/plain', body: 'no such function' };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the function a webhook URL names, found at run time
    const { handler } = require(file) as { handler: Parameters<typeof invokeFunction>[0] };
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const event = { ...Object.fromEntries(url.searchParams), ...request.params, request: { headers, cookies: {} } };
    const reply = await invokeFunction(handler, functionContext(env(), url.host, url.pathname), event);
    return { status: reply.statusCode, contentType: String(reply.headers['Content-Type'] ?? 'text/xml'), body: String(reply.body) };
  };
  return {
    send: (request) => {
      const answered = answer(request);
      pending.add(answered);
      void answered.catch(() => undefined).finally(() => pending.delete(answered));
      return answered;
    },
  };
}

/**
 * functions: the functions' .env (HOLD_MODE, AGENT_NUMBER, ...); the credentials and
 * TWILIO_API_BASE_URL are the emulator's. Without it, `answerWebhook` answers.
 * callsPerSecond: the pacing of API-created calls (default 0, none; 1 is Twilio's, which leaves a
 * second call of the same second `queued`).
 */
export async function startEmulatedTwilio({
  functions,
  callsPerSecond = 0,
}: { functions?: HoldEnv; callsPerSecond?: number } = {}): Promise<EmulatedTwilio> {
  let url = '';
  // Webhooks the functions are still answering: close() waits for them, so that none is left
  // retrying its requests to a closed emulator after the test.
  const pending = new Set<Promise<unknown>>();
  const functionsEnv = (): HoldEnv => ({ ...functions, ACCOUNT_SID, AUTH_TOKEN, TWILIO_API_BASE_URL: url });
  const emu = await startEmulator({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    clock: 'virtual',
    callsPerSecond,
    validateResponses: true,
    numbers: [
      { phoneNumber: BUSINESS, voiceUrl: 'http://localhost:3000/incoming-call', voiceMethod: 'POST' },
      { phoneNumber: WAITING_NUMBER, voiceUrl: 'http://localhost:3000/waiting', voiceMethod: 'POST' },
      { phoneNumber: DIAL_NUMBER, voiceUrl: 'http://localhost:3000/dial-incoming', voiceMethod: 'POST' },
    ],
    defaultParty: { behavior: 'answer', afterMs: 2000 },
    webhookTransport: functions ? functionsTransport(functionsEnv, pending) : { send: async (request) => answerWebhook(request) },
  });
  url = emu.url;
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
  client.api.baseUrl = emu.url;
  let from = 0;
  const rest = () => emu.log().filter((entry) => entry.type === 'rest');
  return {
    emu,
    url: emu.url,
    client,
    mark: () => {
      from = rest().length;
    },
    requests: () =>
      rest()
        .slice(from)
        .map((entry) => {
          const [, method, path, status] = /^(\S+) (\S+) -> (\d+)/.exec(entry.summary) ?? [];
          const params = new URLSearchParams((entry.detail?.params as Record<string, string> | undefined) ?? {});
          const none = new URLSearchParams();
          return {
            method,
            path,
            status: Number(status),
            query: method === 'POST' ? none : params,
            form: method === 'POST' ? params : none,
          };
        }),
    close: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
      const violations = emu.responseViolations();
      await emu.close();
      if (violations.length > 0)
        throw new Error(`REST responses that do not match Twilio's OpenAPI schemas:\n${JSON.stringify(violations, null, 2)}`);
    },
  };
}

/** The caller, in the conference named after its CallSid, and the agent's leg in it labelled agent. */
export interface ConferenceCall {
  caller: string;
  agent: string;
  conference: string;
}

/**
 * An inbound call in its conference, and the agent's leg added to it. With the agent answering
 * (after 2 s, as by default) the conference is in-progress; without (the agent's phone rings on),
 * it waits in init. callerJoins false: the caller waits elsewhere and the agent is alone in it;
 * withAgent false: the caller waits alone in it, and `agent` is ''.
 */
export async function callInConference(
  twilioApi: EmulatedTwilio,
  { agentAnswers = true, callerJoins = true, withAgent = true } = {},
): Promise<ConferenceCall> {
  const { emu, client } = twilioApi;
  const caller = await emu.placeCall({ from: CALLER_NUMBER, to: callerJoins ? BUSINESS : WAITING_NUMBER });
  await emu.settle();
  if (!agentAnswers) emu.setParty(AGENT_NUMBER, { behavior: 'no-answer' });
  const participant = withAgent
    ? await client.conferences(caller).participants.create({ from: BUSINESS, to: AGENT_NUMBER, label: 'agent', earlyMedia: false })
    : undefined;
  await emu.advance(2500);
  const [conference] = emu.conferences().filter((c) => c.friendlyName === caller);
  if (!conference) throw new Error(`no conference for ${caller}: ${JSON.stringify(emu.log().slice(-10))}`);
  twilioApi.mark();
  return { caller, agent: participant?.callSid ?? '', conference: conference.sid };
}

/** An inbound call, in progress, that nothing has put in a conference yet. */
export async function waitingCall(twilioApi: EmulatedTwilio): Promise<string> {
  const caller = await twilioApi.emu.placeCall({ from: CALLER_NUMBER, to: WAITING_NUMBER });
  await twilioApi.emu.settle();
  twilioApi.mark();
  return caller;
}

/**
 * Dial mode, with the functions answering (startEmulatedTwilio({ functions })): an inbound call
 * that /incoming-call connects to the agent with <Dial>; the agent answers after 2 s (bridged), or
 * with agentAnswers false rings on. agent: the <Dial> child. to: DIAL_NUMBER for the same shape
 * without the functions (the caller's own queue after the <Dial>, no webhooks).
 */
export async function dialledCall(
  twilioApi: EmulatedTwilio,
  { agentAnswers = true, to = BUSINESS } = {},
): Promise<{ caller: string; agent: string }> {
  const { emu } = twilioApi;
  emu.setParty(AGENT_NUMBER, agentAnswers ? { behavior: 'answer', afterMs: 2000 } : { behavior: 'no-answer' });
  const caller = await emu.placeCall({ from: CALLER_NUMBER, to });
  await emu.settle();
  await emu.advance(2500);
  const agent = emu.calls().find((c) => c.parentCallSid === caller);
  if (!agent) throw new Error(`no agent leg for ${caller}: ${JSON.stringify(emu.log().slice(-10))}`);
  twilioApi.mark();
  return { caller, agent: agent.sid };
}

/**
 * What dial mode's hold does to the calls of dialledCall(..., { to: DIAL_NUMBER }), by REST
 * without the functions: the agent's leg into its queue (CALLER-agent), which ends the caller's
 * <Dial>, so that the caller waits in its own queue.
 */
export async function holdByRest(twilioApi: EmulatedTwilio, caller: string, agent: string): Promise<void> {
  await twilioApi.client.calls(agent).update({ twiml: `<Response><Enqueue>${caller}-agent</Enqueue></Response>` });
  await twilioApi.emu.settle();
  twilioApi.mark();
}
