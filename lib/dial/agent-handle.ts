// The agent handle: what /hold and /unhold hand back so that the next request needs no read.
// It binds the caller's CallSid to its agent leg with an HMAC keyed by HOLD_API_TOKEN, so a
// handle for call A can never move a leg of call B, and only this deployment can mint one.
// It is issued only once the caller's first <Dial> is over (after a hold), which is what makes
// it safe for a resume to give the CALLER's leg new TwiML (twiml.ts, "the parent/child trap").
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badInput } from '../platform/failure';
import { isSid } from '../platform/sids';

const VERSION = 'h1';
const PURPOSE = 'dial-mode agent leg of';

function mac(token: string, callerCallSid: string, agentCallSid: string): Buffer {
  return createHmac('sha256', token).update(`${PURPOSE} ${callerCallSid}: ${agentCallSid}`, 'utf8').digest();
}

/** `h1.<agent CallSid>.<base64url HMAC-SHA256>`: opaque to API users, about 90 characters. */
export function signAgentHandle(token: string, callerCallSid: string, agentCallSid: string): string {
  return `${VERSION}.${agentCallSid}.${mac(token, callerCallSid, agentCallSid).toString('base64url')}`;
}

const SHAPE = /^h1\.(CA[0-9a-f]{32})\.([A-Za-z0-9_-]{43})$/;

/**
 * The agent leg a handle names, if the handle was minted for this caller's call with this token.
 * Any other handle is bad input (400): the request touches no call.
 */
export function verifyAgentHandle(token: string, callerCallSid: string, handle: string): string {
  const parts = SHAPE.exec(handle);
  if (!parts || !isSid('call', parts[1])) throw badInput('AgentHandle is not a handle this service issued');
  // Compared as text, not as decoded bytes: the last of 43 base64url characters carries 2 unused
  // bits, so 4 spellings decode to the same MAC; only the one this service writes is accepted.
  const given = Buffer.from(parts[2], 'ascii');
  const expected = Buffer.from(mac(token, callerCallSid, parts[1]).toString('base64url'), 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw badInput(`AgentHandle was not issued for call ${callerCallSid}`);
  }
  return parts[1];
}
