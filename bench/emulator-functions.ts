// The functions side of the emulator benchmark (bench/emulator.ts): the same two TwiML documents
// whether they are answered in-process or by the webhook server process (webhook-server.ts).
import type { WebhookResponse } from '../emulator/engine/webhooks';

export function answer(url: string, params: Record<string, string>): WebhookResponse {
  const path = new URL(url).pathname;
  const body =
    path === '/incoming'
      ? `<Response><Dial><Conference waitUrl="">room-${params.CallSid}</Conference></Dial></Response>`
      : '<Response><Play loop="0">https://bench.test/hold.mp3</Play></Response>';
  return { status: 200, contentType: 'text/xml', body };
}

/** What the benchmark asks the functions process to do over IPC. */
export type FunctionsCommand =
  | { type: 'stats'; id: number }
  /** Remember the emulator and the calls for the REST rounds that follow. */
  | { type: 'calls'; id: number; emulatorUrl: string; accountSid: string; authToken: string; confSids: string[]; callerSids: string[] }
  /** One REST request per call, at most `width` in flight, on a keep-alive pool of `width` sockets. */
  | { type: 'rest'; id: number; round: 'participants' | 'hold' | 'resume'; holdUrl: string; width: number }
  | { type: 'done-calls'; id: number }
  /**
   * The real-functions comparison: POST `url` (the functions' /hold or /unhold) once per call SID
   * with Authorization: Bearer `token` and the form CallSid=..., at most `width` in flight.
   */
  | { type: 'control'; id: number; url: string; token: string; callSids: string[]; width: number };

export interface FunctionsStats {
  /** Webhook requests answered since the process started. */
  webhooks: number;
  /** TCP connections accepted by the webhook server since the process started (keep-alive check). */
  connections: number;
  /** REST requests completed since the process started. */
  restRequests: number;
  /** /hold and /unhold requests that did not answer 200 since the process started. */
  controlFailed: number;
  /** process.cpuUsage() of the functions process, microseconds. */
  cpuMicros: number;
  /** performance.eventLoopUtilization() of the functions process: ms the main thread ran / idled. */
  eluActive: number;
  eluIdle: number;
}

export type FunctionsReply =
  { type: 'ready'; url: string } | { type: 'ok'; id: number; stats: FunctionsStats } | { type: 'error'; id: number; message: string };
