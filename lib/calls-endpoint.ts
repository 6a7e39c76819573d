// GET|POST /calls: every live call's record for the hold console and agent software. Same Bearer
// auth and error contract as /hold. Its REST cost does not grow per call: ceil(N / 100) Sync list
// requests for N live calls (at least one), and no Voice API request (docs/console.md); a long
// poll (`wait`, calls-wait.ts) adds one Sync request per look at the revision.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { requireBearerToken } from './platform/bearer-auth';
import { holdApiToken, optionalHttpUrl, remindersWanted } from './platform/config';
import { jsonResponse, notModified } from './platform/responses';
import { twilioClient } from './platform/twilio-client';
import type { FunctionEvent, HoldContext } from './platform/env';
import type { CallRecord } from './state/call-record';
import { callsRevision, listCallItems, syncServiceSid } from './state/call-store';
import { whoHearsWhat, type Hears } from './state/hearing';
import { etagOf, parseEtag, parseWait, waitForChange } from './calls-wait';

export type ListedCall = CallRecord & { hears: Hears };

export interface CallsAnswer {
  calls: ListedCall[];
  /** The functions run against the local emulator: the console shows its test-call controls. */
  emulator: boolean;
}

export function runsOnEmulator(context: HoldContext): boolean {
  return optionalHttpUrl(context, 'TWILIO_API_BASE_URL') !== undefined;
}

export async function handleCallsRequest(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  // The token first: nobody without it can hold an invocation open.
  requireBearerToken(event, holdApiToken(context));
  const wait = parseWait(event);
  const client = twilioClient(context);
  const serviceSid = syncServiceSid(context);
  // Only a client that long-polls (any `wait`) gets an ETag and pays for its looks at the revision.
  let revisionRead: string | null | undefined;
  if (event.wait !== undefined) {
    // Functions pass request headers lowercased, If-None-Match among them (not a restricted one:
    // https://www.twilio.com/docs/runtime/functions/headers-and-cookies/limitations).
    const held = parseEtag(event.request?.headers?.['if-none-match']);
    const revision = () => callsRevision(client, serviceSid);
    const seen = held ? await waitForChange(held, wait, { revision, now: Date.now, sleep }) : { changed: true as const, revision: await revision() };
    if (!seen.changed) return notModified(etagOf(held!));
    // Read before the list: a write between the two makes the next look read the list again.
    revisionRead = seen.revision;
  }
  const { records, nextExpiry } = await listCallItems(client, serviceSid, new Date());
  const reminders = remindersWanted(context);
  // Oldest call first, so a row does not move while a person reaches for its button.
  const calls = [...records]
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.callSid.localeCompare(b.callSid))
    .map((record) => ({ ...record, hears: whoHearsWhat(record, { reminders }) }));
  const answer: CallsAnswer = { calls, emulator: runsOnEmulator(context) };
  const response = jsonResponse(200, answer);
  if (revisionRead !== undefined) {
    const expiry = nextExpiry && Math.floor(nextExpiry.getTime() / 1000);
    response.appendHeader('ETag', etagOf({ revision: revisionRead, nextExpiry: expiry, issuedAt: Math.floor(Date.now() / 1000) }));
  }
  return response;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
