// The body of POST /hold and POST /unhold, as form fields or JSON (Twilio Functions parse both
// into `event`), parsed once into a typed request.
import { badInput, excerpt } from '../platform/failure';
import { isSid, sidPrefix, type SidKind } from '../platform/sids';
import type { FunctionEvent } from '../platform/env';

export type Party = 'caller' | 'agent';

export interface ControlRequest {
  /** The CALLER's call SID: it names the call in both modes. */
  callSid: string;
  /** Conference mode: saves the conference lookup. */
  conferenceSid?: string;
  /** Conference mode: which party to hold or resume. */
  participant: Party;
  /** The agent's leg, as an earlier answer gave it (dial mode: checked against the caller's call; conference mode with Participant=agent). */
  agentCallSid?: string;
  /** Dial mode: the handle an earlier answer gave (lib/dial/agent-handle.ts): no read needed. */
  agentHandle?: string;
}

// Handles are about 90 characters; anything much longer is not one (and is not echoed back).
const MAX_HANDLE_LENGTH = 200;

export function parseControlRequest(event: FunctionEvent): ControlRequest {
  const callSid = requiredSid(event, 'CallSid', 'call');
  const conferenceSid = optionalSid(event, 'ConferenceSid', 'conference');
  const agentCallSid = optionalSid(event, 'AgentCallSid', 'call');
  const participant = optionalString(event, 'Participant') ?? 'caller';
  if (participant !== 'caller' && participant !== 'agent') {
    throw badInput(`Participant must be "caller" or "agent", not ${excerpt(participant)}`);
  }
  const agentHandle = optionalString(event, 'AgentHandle');
  if (agentHandle !== undefined && agentHandle.length > MAX_HANDLE_LENGTH) throw badInput('AgentHandle is too long to be a handle');
  return { callSid, conferenceSid, participant, agentCallSid, ...(agentHandle !== undefined ? { agentHandle } : {}) };
}

function optionalString(event: FunctionEvent, name: string): string | undefined {
  const value = event[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badInput(`${name} must be a string`);
  return value;
}

function requiredSid(event: FunctionEvent, name: string, kind: SidKind): string {
  const value = optionalString(event, name);
  if (value === undefined) throw badInput(`${name} is required`);
  return checkSid(name, value, kind);
}

function optionalSid(event: FunctionEvent, name: string, kind: SidKind): string | undefined {
  const value = optionalString(event, name);
  return value === undefined ? undefined : checkSid(name, value, kind);
}

function checkSid(name: string, value: string, kind: SidKind): string {
  if (!isSid(kind, value)) {
    throw badInput(`${name} must be "${sidPrefix(kind)}" followed by 32 lowercase hex digits, not ${excerpt(value)}`);
  }
  return value;
}
