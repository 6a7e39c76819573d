// A kept-alive socket that the functions server closes just as the emulator reuses it must not
// fail the webhook (HttpWebhookTransport sends it once more on a fresh socket), while a server
// that resets a fresh connection still fails it.
import net, { type AddressInfo } from 'node:net';
import { HttpWebhookTransport, type WebhookRequest } from '../../emulator/engine/webhooks';

/** Answers the first request of each connection; resets a connection on its second request. */
async function resettingServer(): Promise<{ url: string; connections: () => number; close: () => void }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    let requests = 0;
    socket.on('data', (chunk) => {
      if (!chunk.toString('latin1').includes('\r\n\r\n')) return;
      requests += 1;
      if (requests === 1)
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n<Response/>');
      else socket.resetAndDestroy();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    connections: () => connections,
    close: () => server.close(),
  };
}

const get = (url: string): WebhookRequest => ({ url, method: 'GET', params: {}, headers: { 'X-Twilio-Signature': 'sig' } });

describe('webhooks on a stale kept-alive socket', () => {
  it('are sent again on a fresh socket when a reused one is reset before any answer', async () => {
    const server = await resettingServer();
    const transport = new HttpWebhookTransport();
    try {
      expect((await transport.send(get(server.url), new AbortController().signal)).status).toBe(200);
      // The second request reuses the kept-alive socket, which the server resets.
      expect(await transport.send(get(server.url), new AbortController().signal)).toEqual({
        status: 200,
        contentType: 'text/xml',
        body: '<Response/>',
      });
      expect(server.connections()).toBe(2);
    } finally {
      transport.close();
      server.close();
    }
  });

  it('still fail when a fresh connection is reset', async () => {
    const server = net.createServer((socket) => socket.on('data', () => socket.resetAndDestroy()));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const transport = new HttpWebhookTransport();
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      await expect(transport.send(get(url), new AbortController().signal)).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      transport.close();
      server.close();
    }
  });
});
