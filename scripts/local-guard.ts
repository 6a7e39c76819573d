// Loaded into the twilio-run process by `npm start` (and the test harness) with `node --require`
// (compiled to CommonJS by scripts/local-guard-args.ts). twilio-run has no option for either of the
// two things it does:
//  1. With LOCAL_GUARD_HOST set (npm start offline: 127.0.0.1), twilio-run listens on that address
//     only, not on every interface.
//  2. Requests that twilio-run's body parsers refuse before any function runs (invalid JSON, more
//     than 1,000 form fields, a body over MAX_BODY_BYTES) answer a short JSON error like the
//     functions' own, instead of express's HTML page with a stack trace and node_modules paths.
//     MAX_BODY_BYTES holds whether the body's length is announced (Content-Length) or not (sent
//     chunked): an unannounced body is counted as it arrives and refused past the limit.
// Deployed, Twilio's runtime parses requests itself and none of this applies (docs/security.md).
import http from 'node:http';

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;
type ExpressLike = RequestListener & { use(handler: (...args: never[]) => void): unknown };
interface BodyParserError {
  status?: number;
  type?: string;
}

/** Larger bodies are refused before they are read; /hold and every Twilio webhook are under 4 KB. */
export const MAX_BODY_BYTES = 65_536;

const MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'the body is not valid JSON',
  'entity.too.large': `the body is larger than ${MAX_BODY_BYTES} bytes`,
  'parameters.too.many': 'the form has too many fields',
  'encoding.unsupported': 'the body has an unsupported encoding',
  'charset.unsupported': 'the body has an unsupported charset',
  'request.aborted': 'the request was aborted',
  'request.size.invalid': 'the body does not match its Content-Length',
};

export function bodyErrorAnswer(error: BodyParserError): { status: number; body: { error: string; message: string } } {
  const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 400;
  return { status, body: { error: 'bad-input', message: MESSAGES[error.type ?? ''] ?? 'the request body cannot be read' } };
}

function sendJson(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(JSON.stringify(body));
}

function guarded(app: RequestListener): RequestListener {
  const express = app as Partial<ExpressLike>;
  // An error-handling middleware added after twilio-run's routes: express calls it for the errors
  // of the body parsers, which run before the routes.
  express.use?.((error: BodyParserError, _req: http.IncomingMessage, res: http.ServerResponse, _next: unknown) => {
    if (res.headersSent) return;
    const answer = bodyErrorAnswer(error);
    sendJson(res, answer.status, answer.body);
  });
  return (req, res) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_BODY_BYTES) {
      sendJson(res, 413, { error: 'bad-input', message: MESSAGES['entity.too.large'] });
      req.resume();
      return;
    }
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined) limitUnannouncedBody(req, res);
    app(req, res);
  };
}

/**
 * Counts a chunked body as node's HTTP parser hands it over (IncomingMessage.push, before any
 * reader sees it). Past MAX_BODY_BYTES the 413 goes out at once, and the rest of the body is read
 * and dropped: nothing more reaches the body parser and its stream never ends, so no function runs
 * on a truncated body. Reading on (rather than closing at once, which makes the kernel reset the
 * connection and lose the answer) lets the client read the 413; the connection closes when the
 * client ends the body or goes away, which ends the body parser's wait ("request.aborted").
 */
function limitUnannouncedBody(req: http.IncomingMessage, res: http.ServerResponse): void {
  let received = 0;
  let refused = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (refused) {
      if (chunk === null) req.socket.destroy();
      return true;
    }
    if (chunk !== null && chunk !== undefined) {
      received += (chunk as Buffer).length;
      if (received > MAX_BODY_BYTES) {
        refused = true;
        res.writeHead(413, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ error: 'bad-input', message: MESSAGES['entity.too.large'] }));
        return true;
      }
    }
    return push(chunk, encoding);
  };
}

export function installLocalGuard(host: string | undefined): void {
  const createServer = http.createServer;
  const patched = (...args: unknown[]): http.Server => {
    const at = args.findIndex((arg) => typeof arg === 'function');
    if (at >= 0) args[at] = guarded(args[at] as RequestListener);
    const server = (createServer as (...a: unknown[]) => http.Server)(...args);
    if (host) {
      const listen = server.listen;
      // express calls listen(port, callback): put the host between them.
      const untyped = listen as (...a: unknown[]) => http.Server;
      server.listen = ((...listenArgs: unknown[]) =>
        typeof listenArgs[0] === 'number' || typeof listenArgs[0] === 'string'
          ? untyped.call(server, listenArgs[0], host, ...listenArgs.slice(1))
          : untyped.apply(server, listenArgs)) as typeof server.listen;
    }
    return server;
  };
  http.createServer = patched as typeof http.createServer;
}

/**
 * Node's own flags without the `--require .../local-guard.cjs` that loaded this module: twilio-run
 * without --no-fork-process forks a runner per request with process.execArgv, and a runner does not
 * need the guard.
 */
export function withoutGuard(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i += 1) {
    if (execArgv[i] === '--require' && (execArgv[i + 1] ?? '').endsWith('local-guard.cjs')) {
      i += 1;
      continue;
    }
    kept.push(execArgv[i]);
  }
  return kept;
}

installLocalGuard(process.env.LOCAL_GUARD_HOST || undefined);
process.execArgv = withoutGuard(process.execArgv);
