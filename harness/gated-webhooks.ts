// The emulator's webhook client over HTTP, able to hold back what it sends while a request runs:
// what that request cost at Twilio (the REST requests the emulator logs meanwhile) is then its own,
// not also that of the webhooks it set off, which on Twilio run side by side with it (the agent
// queue's waitUrl reads the queues, for one). Used by the exact request counts
// (tests/bench/request-counts.test.ts, through harness/e2e.ts) and by the benchmark's.
import { HttpWebhookTransport, type WebhookRequest, type WebhookResponse } from '../emulator/engine/webhooks';

export class GatedWebhookTransport extends HttpWebhookTransport {
  private gate: Promise<void> | undefined;

  /** Runs `run`; the webhooks asked for meanwhile are sent once it is over. */
  async heldWhile<T>(run: () => Promise<T>): Promise<T> {
    let open!: () => void;
    this.gate = new Promise((done) => (open = done));
    try {
      return await run();
    } finally {
      this.gate = undefined;
      open();
    }
  }

  override async send(request: WebhookRequest, signal: AbortSignal): Promise<WebhookResponse> {
    if (this.gate) await this.gate;
    return super.send(request, signal);
  }
}
