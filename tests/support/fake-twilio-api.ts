// A recording stand-in for api.twilio.com in unit tests: a real HTTP server that records every
// request and answers from a routing function, so the tests exercise the real twilio SDK
// (client.api.baseUrl). Twilio itself is the emulator (tests/support/emulated-twilio.ts); this
// server is for the answers the emulator cannot give: startTwilioProxy forwards every request to
// the emulator except those a test answers itself (a code of Twilio's the emulator never sends, an
// update applied whose answer is lost, a request never answered). Answering from a routing function
// alone is left to what the emulator does not model at all (IncomingPhoneNumbers, for the live
// conformance target).
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. /2010-04-01/Accounts/AC.../Conferences.json */
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  authorization?: string;
}

export interface FakeReply {
  status: number;
  body: object;
}

/** 'reset' drops the connection; 'hang' never answers (a request whose outcome the client never learns). */
export type FakeAnswer = FakeReply | 'reset' | 'hang';
export type FakeRoute = (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

export interface FakeTwilioApi {
  url: string;
  /** The Voice API's requests (api.twilio.com). */
  requests: RecordedRequest[];
  route: FakeRoute;
  /**
   * Sync requests (paths under /v1/: the call records of lib/state/, whose bookkeeping every
   * webhook may do), kept apart so that `requests` stays the Voice API's. Answered by `syncRoute`,
   * by default 404 (no record: the bookkeeping does nothing more).
   */
  syncRequests: RecordedRequest[];
  syncRoute: FakeRoute;
  /** The requests answered 'hang' whose connection the client has not given up (still open). */
  unanswered(): RecordedRequest[];
  close(): Promise<void>;
}

export const TEST_ACCOUNT_SID = 'AC' + '0'.repeat(31) + '1';

export function twilioError(status: number, code: number, message: string): FakeReply {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeTwilioApi(route: FakeRoute): Promise<FakeTwilioApi> {
  const hanging: { recorded: RecordedRequest; request: IncomingMessage }[] = [];
  const api: FakeTwilioApi = {
    url: '',
    requests: [],
    route,
    syncRequests: [],
    syncRoute: () => twilioError(404, 20404, 'The requested resource was not found'),
    unanswered: () => hanging.filter(({ request }) => !request.socket.destroyed).map(({ recorded }) => recorded),
    close: async () => undefined,
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        form: new URLSearchParams(await readBody(request)),
        authorization: request.headers.authorization,
      };
      const sync = url.pathname.startsWith('/v1/');
      (sync ? api.syncRequests : api.requests).push(recorded);
      let reply: FakeAnswer;
      try {
        reply = await (sync ? api.syncRoute : api.route)(recorded);
      } catch {
        // The emulator behind the stand-in is gone (a bookkeeping request still in flight when the
        // test closed it): the client sees a dropped connection, as it would from Twilio.
        reply = 'reset';
      }
      if (reply === 'reset') {
        request.socket.destroy();
        return;
      }
      if (reply === 'hang') {
        hanging.push({ recorded, request });
        return;
      }
      response.writeHead(reply.status, { 'Content-Type': 'application/json' });
      response.end(reply.status === 204 ? undefined : JSON.stringify(reply.body));
    })();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  api.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  api.close = () =>
    new Promise<void>((closed) => {
      server.closeAllConnections();
      server.close(() => closed());
    });
  return api;
}

/**
 * What a test answers in place of the emulator. `{ applied }`: the emulator acts on the request,
 * then `applied` replaces its answer (Twilio acted; the client hears an error, or nothing).
 * undefined: the emulator answers.
 */
export type Injected = FakeAnswer | { applied: FakeReply | 'hang' } | undefined;

async function forward(upstream: string, request: RecordedRequest): Promise<FakeReply> {
  const query = request.query.toString();
  const response = await fetch(`${upstream}${request.path}${query ? `?${query}` : ''}`, {
    method: request.method,
    headers: {
      ...(request.authorization ? { Authorization: request.authorization } : {}),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: request.method === 'GET' || request.method === 'DELETE' ? undefined : request.form.toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as object) : {} };
}

/**
 * The recording stand-in in front of the emulator at `emulatorUrl`: every request (Voice API and
 * Sync) is recorded and forwarded, except those `inject` answers.
 */
export async function startTwilioProxy(emulatorUrl: string, inject: (request: RecordedRequest) => Injected): Promise<FakeTwilioApi> {
  const route: FakeRoute = async (request) => {
    const injected = inject(request);
    if (injected === undefined) return forward(emulatorUrl, request);
    if (typeof injected === 'object' && 'applied' in injected) {
      await forward(emulatorUrl, request);
      return injected.applied;
    }
    return injected;
  };
  const api = await startFakeTwilioApi(route);
  api.syncRoute = (request) => forward(emulatorUrl, request);
  return api;
}
