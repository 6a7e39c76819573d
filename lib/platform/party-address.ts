// Who a call can be connected to: the three kinds of address Twilio dials.
export type PartyAddress =
  { kind: 'number'; value: string } | { kind: 'client'; value: string; identity: string } | { kind: 'sip'; value: string };

// E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
const E164 = /^\+[1-9]\d{1,14}$/;
// Twilio Client identities: alphanumerics and underscores are documented as safe; we also allow
// the characters identities commonly carry (dot, dash, @) and nothing that needs URL-encoding.
const CLIENT = /^client:([A-Za-z0-9_.@-]{1,121})$/;
const SIP = /^sips?:[^\s<>"]+@[^\s<>"]+$/i;

export function parsePhoneNumber(value: string): string | undefined {
  return E164.test(value) ? value : undefined;
}

export function parsePartyAddress(value: string): PartyAddress | undefined {
  if (E164.test(value)) return { kind: 'number', value };
  const client = CLIENT.exec(value);
  if (client) return { kind: 'client', value, identity: client[1] };
  if (SIP.test(value)) return { kind: 'sip', value };
  return undefined;
}
