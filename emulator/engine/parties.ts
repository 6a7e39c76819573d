// How the far end of each destination behaves: answers (after a delay), is busy, never answers
// (rings until the dial or participant timeout -> no-answer), or fails.

export type PartyBehavior = 'answer' | 'busy' | 'no-answer' | 'fail';
export interface PartyConfig { behavior: PartyBehavior; afterMs?: number }

/** An answering party picks up after this long unless told otherwise. */
export const DEFAULT_ANSWER_AFTER_MS = 1000;

export class Parties {
  private readonly byAddress = new Map<string, PartyConfig>();

  constructor(private fallback: PartyConfig) {}

  set(address: string, config: PartyConfig): void {
    this.byAddress.set(address, config);
  }

  setDefault(config: PartyConfig): void {
    this.fallback = config;
  }

  get(address: string): PartyConfig {
    return this.byAddress.get(address) ?? this.fallback;
  }
}
