import { optionalHttpUrl, holdApiToken } from '../../lib/platform/config';
import { agentAddress, callerIdOverride, holdModeName, ringTimeoutSeconds } from '../../lib/shared/settings';
import { parsePartyAddress } from '../../lib/platform/party-address';
import { sameSecret } from '../../lib/platform/bearer-auth';

describe('AGENT_NUMBER', () => {
  it.each([
    ['+14155550100', 'number'],
    ['+442071838750', 'number'],
    ['client:alice', 'client'],
    ['client:support_agent.1', 'client'],
    ['sip:agent@example.sip.twilio.com', 'sip'],
    ['sips:agent@pbx.example.com:5061', 'sip'],
  ])('accepts %s as a %s address', (value, kind) => {
    expect(agentAddress({ AGENT_NUMBER: value })).toMatchObject({ kind, value });
  });

  it.each(['4155550100', '+0123456', '+1415555010012345', 'client:', 'client:has space', 'sip:nohost', 'tel:+14155550100'])(
    'rejects %s as misconfigured',
    (value) => {
      expect(() => agentAddress({ AGENT_NUMBER: value })).toThrow(expect.objectContaining({ kind: 'misconfigured' }));
    },
  );

  it('is misconfigured when missing', () => {
    expect(() => agentAddress({})).toThrow(/AGENT_NUMBER is not set/);
  });

  it('gives the client identity', () => {
    expect(parsePartyAddress('client:alice')).toEqual({ kind: 'client', value: 'client:alice', identity: 'alice' });
  });
});

describe('HOLD_MODE', () => {
  it.each([
    [undefined, 'conference'],
    ['', 'conference'],
    ['conference', 'conference'],
    ['DIAL', 'dial'],
    [' dial ', 'dial'],
  ])('%p -> %p', (value, mode) => expect(holdModeName({ HOLD_MODE: value })).toBe(mode));
  it('rejects anything else', () => expect(() => holdModeName({ HOLD_MODE: 'queue' })).toThrow(/HOLD_MODE/));
});

describe('other settings', () => {
  it("validates AGENT_RING_TIMEOUT within Twilio's 5-600 s", () => {
    expect(ringTimeoutSeconds({})).toBe(30);
    expect(ringTimeoutSeconds({ AGENT_RING_TIMEOUT: '5' })).toBe(5);
    expect(ringTimeoutSeconds({ AGENT_RING_TIMEOUT: '600' })).toBe(600);
    for (const bad of ['4', '601', '20s', '-1', '1e2']) {
      expect(() => ringTimeoutSeconds({ AGENT_RING_TIMEOUT: bad })).toThrow(/AGENT_RING_TIMEOUT/);
    }
  });

  it('validates CALLER_ID as E.164', () => {
    expect(callerIdOverride({})).toBeUndefined();
    expect(callerIdOverride({ CALLER_ID: '+15550100000' })).toBe('+15550100000');
    expect(() => callerIdOverride({ CALLER_ID: 'client:x' })).toThrow(/CALLER_ID/);
  });

  it('accepts only http(s) URLs', () => {
    expect(optionalHttpUrl({ HOLD_MUSIC_URL: 'https://cdn.example.com/a.mp3' }, 'HOLD_MUSIC_URL')).toBe('https://cdn.example.com/a.mp3');
    expect(optionalHttpUrl({ TWILIO_API_BASE_URL: 'http://127.0.0.1:3001' }, 'TWILIO_API_BASE_URL')).toBe('http://127.0.0.1:3001');
    expect(optionalHttpUrl({}, 'HOLD_MUSIC_URL')).toBeUndefined();
    expect(() => optionalHttpUrl({ HOLD_MUSIC_URL: 'ftp://x/a.mp3' }, 'HOLD_MUSIC_URL')).toThrow(/http\(s\)/);
    expect(() => optionalHttpUrl({ HOLD_MUSIC_URL: 'not a url' }, 'HOLD_MUSIC_URL')).toThrow(/not a URL/);
  });

  it('refuses to run the control API without HOLD_API_TOKEN', () => {
    expect(() => holdApiToken({})).toThrow(expect.objectContaining({ kind: 'misconfigured' }));
    expect(holdApiToken({ HOLD_API_TOKEN: 's3cret' })).toBe('s3cret');
  });
});

describe('sameSecret', () => {
  it('compares whole secrets of any length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('ab', 'abc')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
  });
});
