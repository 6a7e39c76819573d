// The caller's CallSid handed to a client: agent's leg (docs/finding-the-call.md).
import { agentCallParameters, agentDialAddress, CALLER_CALL_SID_PARAMETER } from '../../lib/shared/agent-call-context';
import { parsePartyAddress } from '../../lib/platform/party-address';

const CALLER = 'CA0123456789abcdef0123456789abcdef';

describe('agentDialAddress', () => {
  it('appends CallerCallSid to a client: address, URL-encoded', () => {
    const address = agentDialAddress(parsePartyAddress('client:alice.b@example')!, CALLER);
    expect(address).toBe(`client:alice.b@example?CallerCallSid=${CALLER}`);
    expect(new URLSearchParams(address.split('?')[1]).get(CALLER_CALL_SID_PARAMETER)).toBe(CALLER);
  });

  it('leaves phone numbers and SIP addresses as they are', () => {
    expect(agentDialAddress(parsePartyAddress('+15550100001')!, CALLER)).toBe('+15550100001');
    expect(agentDialAddress(parsePartyAddress('sip:agent@example.com')!, CALLER)).toBe('sip:agent@example.com');
  });
});

describe('agentCallParameters', () => {
  it("names the caller's CallSid", () => {
    expect(agentCallParameters(CALLER)).toEqual([{ name: 'CallerCallSid', value: CALLER }]);
  });
});
