// Conference mode's live calls as Twilio shows them, for GET /calls (lib/state/reconcile.ts): the
// conferences named after a caller's CallSid, and in each started one its participants' `hold`.
// REST requests: 2 conference lists (in-progress, init; pages of 1000) + 1 participant list per
// in-progress conference, for at most LIVE_CONFERENCE_READS of them (the newest), CONCURRENT_READS
// at a time; past that a conference's held parties are what its record says.
import type { Twilio } from 'twilio';
import { isSid } from '../platform/sids';
import { callTwilio, type RetryPolicy } from '../platform/twilio-request';
import type { LiveCall } from '../state/reconcile';
import { AGENT_LABEL, conferencesInStage } from './conferences';

/** Twilio's largest page of conferences. */
const PAGE_SIZE = 1000;
/** Beyond this many live conferences the rest are listed from their records alone. */
export const LIVE_CONFERENCE_READS = 100;
const CONCURRENT_READS = 10;

/**
 * The caller's number of live calls that have no record (a record lost to a Sync outage, or not
 * written yet by a call that just arrived): 1 read of each caller's call, at most
 * CONCURRENT_READS of them; a read that fails leaves the number empty.
 */
export async function withCallersNumbers(
  client: Twilio,
  live: LiveCall[],
  recorded: Set<string>,
  policy: RetryPolicy,
): Promise<LiveCall[]> {
  const missing = live.filter((call) => !recorded.has(call.callSid)).slice(0, CONCURRENT_READS);
  const numbers = new Map(
    await Promise.all(
      missing.map(async (call) => {
        const from = await callTwilio("read the caller's call", () => client.calls(call.callSid).fetch(), policy).then(
          (c) => c.from ?? '',
          () => '',
        );
        return [call.callSid, from] as const;
      }),
    ),
  );
  return live.map((call) => (numbers.get(call.callSid) ? { ...call, from: numbers.get(call.callSid)! } : call));
}

export async function readLiveConferenceCalls(client: Twilio, policy: RetryPolicy): Promise<LiveCall[]> {
  const [started, waiting] = await Promise.all([
    conferencesInStage(client, 'in-progress', 'list the live conferences', policy, PAGE_SIZE),
    conferencesInStage(client, 'init', 'list the conferences waiting for an agent', policy, PAGE_SIZE),
  ]);
  const ours = started.filter((c) => isSid('call', c.friendlyName));
  // Twilio lists conferences newest first.
  const read = ours.slice(0, LIVE_CONFERENCE_READS);
  const live: LiveCall[] = ours.slice(LIVE_CONFERENCE_READS).map((conference) => ({
    callSid: conference.friendlyName,
    mode: 'conference',
    connected: true,
    callerHeld: undefined,
    agentHeld: undefined,
    conferenceSid: conference.sid,
    agentCallSid: null,
    startedAt: (conference.dateCreated ?? new Date()).toISOString(),
    from: '',
    proven: true,
  }));
  for (let i = 0; i < read.length; i += CONCURRENT_READS) {
    live.push(
      ...(await Promise.all(
        read.slice(i, i + CONCURRENT_READS).map(async (conference) => {
          const participants = await callTwilio(
            'list the participants',
            () => client.conferences(conference.sid).participants.list({ pageSize: 20 }),
            policy,
          );
          const caller = participants.find((p) => p.callSid === conference.friendlyName);
          const agent =
            participants.find((p) => p.label === AGENT_LABEL) ?? participants.find((p) => p.callSid !== conference.friendlyName);
          return {
            callSid: conference.friendlyName,
            mode: 'conference' as const,
            connected: agent !== undefined,
            callerHeld: caller?.hold === true,
            agentHeld: agent?.hold === true,
            conferenceSid: conference.sid,
            agentCallSid: agent?.callSid ?? null,
            startedAt: (conference.dateCreated ?? new Date()).toISOString(),
            from: '',
            proven: true,
          };
        }),
      )),
    );
  }
  for (const conference of waiting.filter((c) => isSid('call', c.friendlyName))) {
    live.push({
      callSid: conference.friendlyName,
      mode: 'conference',
      connected: false,
      callerHeld: false,
      agentHeld: false,
      conferenceSid: null,
      agentCallSid: null,
      startedAt: (conference.dateCreated ?? new Date()).toISOString(),
      from: '',
      proven: true,
    });
  }
  return live;
}
