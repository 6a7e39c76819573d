// WorkerWebhookTransport (emulator/engine/webhook-worker.ts) sends webhooks from a worker thread:
// the server must receive exactly what HttpWebhookTransport sends, and the abort signal (Twilio's
// 15-second limit) must still end a request.
import net, { type AddressInfo } from 'node:net';
import { HttpWebhookTransport, type WebhookRequest } from '../../emulator/engine/webhooks';
import { WorkerWebhookTransport } from '../../emulator/engine/webhook-worker';
import { WebhookServer } from './support/webhook-server';

describe('webhooks from a worker thread', () => {
  let web: WebhookServer;
  const worker = new WorkerWebhookTransport();
  const main = new HttpWebhookTransport();
  beforeAll(async () => {
    web = await WebhookServer.start();
  });
  afterAll(async () => {
    await worker.close();
    main.close();
    await web.close();
  });

  const request = (path: string, method: 'GET' | 'POST'): WebhookRequest => ({
    url: web.url(path) + (method === 'GET' ? '?CallSid=CA1&Digits=1%202' : ''),
    method,
    params: method === 'POST' ? { CallSid: 'CA1', Said: 'a & b = "c"', Empty: '' } : {},
    headers: { 'X-Twilio-Signature': 'sig', 'User-Agent': 'TwilioProxy/1.1' },
  });

  it.each(['GET', 'POST'] as const)('sends a %s exactly as the main-thread transport does, and returns the answer', async (method) => {
    web.on('/twiml', { status: 200, contentType: 'text/xml', body: '<Response><Say>héllo</Say></Response>' });
    const viaWorker = await worker.send(request('/twiml', method), new AbortController().signal);
    const viaMain = await main.send(request('/twiml', method), new AbortController().signal);
    expect(viaWorker).toEqual(viaMain);
    expect(viaWorker).toEqual({ status: 200, contentType: 'text/xml', body: '<Response><Say>héllo</Say></Response>' });
    const [a, b] = web.hitsTo('/twiml').slice(-2);
    expect(a).toEqual(b);
    expect(a.signature).toBe('sig');
    expect(a.params).toEqual(method === 'POST' ? { CallSid: 'CA1', Said: 'a & b = "c"', Empty: '' } : { CallSid: 'CA1', Digits: '1 2' });
  });

  it('passes a non-2xx answer through for the engine to judge', async () => {
    web.on('/broken', { status: 500, body: 'oops' });
    expect(await worker.send(request('/broken', 'POST'), new AbortController().signal)).toMatchObject({ status: 500, body: 'oops' });
  });

  it("rejects with the signal's reason when aborted, and with the error when nothing listens", async () => {
    const closed = { ...request('/x', 'GET'), url: 'http://127.0.0.1:1/x' };
    await expect(worker.send(closed, new AbortController().signal)).rejects.toThrow(/ECONNREFUSED/);
    // A server that accepts and never answers: only the abort ends the request.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    try {
      const abort = new AbortController();
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/x`;
      const pending = worker.send({ ...request('/x', 'POST'), url }, abort.signal);
      await new Promise((later) => setTimeout(later, 50));
      abort.abort(new DOMException('no answer', 'TimeoutError'));
      await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      silent.close();
    }
  });
});
