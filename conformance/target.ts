// Where a scenario runs: the local emulator or a real Twilio account. A scenario sees only this
// interface, so the same code runs on both; it observes only what both can show (REST reads and
// the webhooks Twilio sends), never the emulator's own observation API.
import type twilio from 'twilio';
import type { Hit, Recorder, Route } from './recorder';

export type AgentBehaviour = { answersAfterMs: number } | { busy: true };

export interface Target {
  readonly kind: 'emulator' | 'twilio';
  readonly client: twilio.Twilio;
  /** The two numbers: the caller's, and the business number whose voice URL is /incoming. */
  readonly numbers: { caller: string; business: string };
  /** Serve `reply` at `path` (a path of the recorder, e.g. /s1/dial-action). */
  on(path: string, reply: Route): void;
  /** The absolute URL Twilio must use to reach `path`. */
  url(path: string): string;
  hits(path: string): Hit[];
  /**
   * The address to dial as "the agent", and how it answers: after a delay (its phone rings), or
   * busy. It is the caller's number: on Twilio a second number of the account whose voice URL is
   * /agent; on the emulator a party that behaves so.
   */
  agent(behaviour: AgentBehaviour): Promise<string>;
  /** A call from the caller's number to the business number; resolves with the business side's CallSid once /incoming was requested. */
  placeInboundCall(): Promise<string>;
  /** An outbound-api call from the business number to `to`, running `twimlDocument` once answered. */
  placeOutboundCall(to: string, twimlDocument: string): Promise<string>;
  /** Lets `ms` pass (virtual time on the emulator, real time on Twilio). */
  wait(ms: number): Promise<void>;
  /** Lets time pass until `done()` or `maxMs`; resolves with whether it became true. */
  waitFor(done: () => boolean | Promise<boolean>, maxMs: number): Promise<boolean>;
  /** A queue or conference name unique to this run, so nothing collides with real traffic. */
  uniqueName(suffix: string): string;
  /** A queue the product names itself (after a CallSid): deleted by cleanup() like the run's own. */
  ownQueue(name: string): void;
  /** Hangs up every call this scenario touched and deletes its queues. */
  cleanup(): Promise<void>;
}

/** What both targets share: the REST client, the recorder, the names, the clean-up. */
export abstract class TargetBase implements Target {
  abstract readonly kind: 'emulator' | 'twilio';
  protected readonly started = new Set<string>();
  private readonly ownedQueues = new Set<string>();

  constructor(
    readonly client: twilio.Twilio,
    protected readonly recorder: Recorder,
    readonly numbers: { caller: string; business: string },
    private readonly baseUrl: string,
    private readonly runId: string,
  ) {}

  on(path: string, reply: Route): void {
    this.recorder.on(path, reply);
  }
  url(path: string): string {
    return this.baseUrl + path;
  }
  hits(path: string): Hit[] {
    return this.recorder.hits(path);
  }
  uniqueName(suffix: string): string {
    return `conformance-${this.runId}-${suffix}`;
  }

  ownQueue(name: string): void {
    this.ownedQueues.add(name);
  }

  abstract agent(behaviour: AgentBehaviour): Promise<string>;
  abstract placeInboundCall(): Promise<string>;
  abstract wait(ms: number): Promise<void>;
  protected abstract pollEveryMs: number;

  async placeOutboundCall(to: string, twimlDocument: string): Promise<string> {
    const call = await this.client.calls.create({ from: this.numbers.business, to, twiml: twimlDocument });
    this.started.add(call.sid);
    return call.sid;
  }

  async waitFor(done: () => boolean | Promise<boolean>, maxMs: number): Promise<boolean> {
    for (let waited = 0; ; waited += this.pollEveryMs) {
      if (await done()) return true;
      if (waited >= maxMs) return false;
      await this.wait(this.pollEveryMs);
    }
  }

  /**
   * Every call the scenario started or was told about by a webhook, and their children, hung up
   * (Status=completed; one that has ended already answers 21220 or is left alone); every queue of
   * this run deleted (a queue with members left is emptied by the hang-ups first).
   */
  async cleanup(): Promise<void> {
    const sids = new Set(this.started);
    for (const hit of this.recorder.hits('/incoming').concat(this.recorder.hits('/agent'))) {
      if (hit.params.CallSid) sids.add(hit.params.CallSid);
    }
    for (const sid of [...sids]) {
      for (const child of await this.client.calls.list({ parentCallSid: sid, limit: 20 })) sids.add(child.sid);
    }
    for (const sid of sids) {
      const call = await this.client
        .calls(sid)
        .fetch()
        .catch(() => undefined);
      if (call && ['queued', 'ringing', 'in-progress'].includes(call.status)) {
        await this.client
          .calls(sid)
          .update({ status: 'completed' })
          .catch(() => undefined);
      }
    }
    await this.settleAfterCleanup();
    for (const queue of await this.client.queues.list({ limit: 1000 })) {
      if (queue.friendlyName.startsWith(this.uniqueName('')) || this.ownedQueues.has(queue.friendlyName))
        await this.client
          .queues(queue.sid)
          .remove()
          .catch(() => undefined);
    }
    this.started.clear();
    this.ownedQueues.clear();
    this.recorder.reset();
  }

  /** Time for the hang-ups to take effect before queues are deleted. */
  protected abstract settleAfterCleanup(): Promise<void>;
}

export type Observation = Record<string, string>;

export interface Scenario {
  id: string;
  /** The rule, in words. */
  rule: string;
  /** The ids of the rules it checks (docs/twilio-voice-semantics.md, "The rules table"). */
  rules: string[];
  /**
   * Which rules each observation judges; an observation not named here judges every rule of the
   * scenario. An empty list: shown, judges none (e.g. that the call connected at all).
   */
  judges?: Record<string, string[]>;
  /** Where Twilio documents it (URL), or "inferred: ..." when no Twilio text states it. */
  source: string;
  /**
   * What it costs on a live account: the call legs it creates (a call between two numbers of the
   * account is two legs, the outbound one and the inbound one; each answered leg is billed per
   * started minute) and about how many minutes of wall time it takes. Every leg it creates ends
   * within the scenario (clean-up hangs up what is left; its TwiML never keeps a leg up beyond 2 min).
   */
  cost: { legs: number; minutes: number };
  /** The emulator's behaviour, asserted offline and compared with Twilio's live. */
  emulator: Observation;
  run(t: Target): Promise<Observation>;
}
