// Who may use the control API (/emulator/*). The emulator runs on the developer's machine while
// their browser visits other sites: a page from anywhere can send a form POST to 127.0.0.1 (a
// "simple" cross-origin request needs no preflight), and a hostile name that resolves to 127.0.0.1
// (DNS rebinding) can even read the answers. So (docs/security.md, docs/emulator-api.md):
//  - every request must be addressed to a loopback name (or the host the emulator was told to
//    listen on): a rebinding name is refused before anything is read;
//  - a change (any method but GET and HEAD) needs the run's token in `Authorization: Bearer`, which
//    a cross-origin form cannot send, and is refused when the browser says it comes from another
//    origin (Origin, Sec-Fetch-Site). Reads stay open to curl and the page.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export interface Refusal {
  status: 401 | 403;
  error: string;
}

/** 127.0.0.0/8, ::1 and localhost: the names that only this machine answers to. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./.test(host);
  return false;
}

/** The hostname of a Host header ("127.0.0.1:3001", "[::1]:3001"), or undefined if malformed. */
function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

/** Compared as SHA-256 digests, so in constant time whatever the lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Why this request to the control API is refused, or undefined when it may proceed.
 * `boundHost` is the address the emulator listens on (a name a LAN client may use when it is not
 * loopback); `token` the run's control token.
 */
export function controlRefusal(req: IncomingMessage, boundHost: string, token: string): Refusal | undefined {
  const hostname = hostnameOf(req.headers.host);
  const wildcard = boundHost === '0.0.0.0' || boundHost === '::';
  if (
    hostname === undefined ||
    !(isLoopbackHost(hostname) || (!wildcard && hostname === boundHost.toLowerCase().replace(/^\[(.*)\]$/, '$1')))
  ) {
    return { status: 403, error: 'the control API answers only requests addressed to a loopback name such as 127.0.0.1' };
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return undefined;
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (
    (origin !== undefined && origin !== `http://${req.headers.host}`) ||
    (site !== undefined && site !== 'same-origin' && site !== 'none')
  ) {
    return { status: 403, error: 'the control API refuses changes from another origin' };
  }
  const [scheme, given] = (req.headers.authorization ?? '').split(' ');
  if (scheme !== 'Bearer' || !given || !sameSecret(given, token)) {
    return { status: 401, error: "a change needs the emulator's control token: Authorization: Bearer <token>" };
  }
  return undefined;
}
