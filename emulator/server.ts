// The HTTP face: the REST API under /2010-04-01 and the control API under /emulator.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ControlAccess, handleControl } from './control/routes';
import type { Engine } from './engine/engine';
import { errorBody } from './rest/error-body';
import { handleRest, isRestPath } from './rest/router';
import { handleSync, isSyncPath } from './rest/sync-router';

export async function listen(
  engine: Engine,
  host: string,
  port: number,
  controlToken: string,
): Promise<{ server: http.Server; url: string }> {
  const access: ControlAccess = { token: controlToken, boundHost: host };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const work = isRestPath(url.pathname)
      ? handleRest(engine, req, res, url)
      : isSyncPath(url.pathname)
        ? handleSync(engine, req, res, url)
        : url.pathname === '/emulator' || url.pathname.startsWith('/emulator/')
          ? handleControl(engine, req, res, url, access)
          : Promise.resolve(
              void res
                .writeHead(404, { 'Content-Type': 'application/json' })
                .end(JSON.stringify(errorBody(404, 20404, `The requested resource ${url.pathname} was not found`))),
            );
    work.catch((e: unknown) => {
      engine.log.add('error', `internal error on ${req.method} ${url.pathname}: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent)
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify(errorBody(500, 20500, 'Internal emulator error')));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  return { server, url: `http://${host}:${addr.port}` };
}
