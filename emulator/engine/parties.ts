// How the far end of each destination behaves: answers (after a delay), is busy, never answers
// (rings until the dial or participant timeout -> no-answer), or fails. A person who answers
// presses a key when a <Gather> on their leg asks for one (screening); a voicemail answers too but
// never presses anything.

export type PartyBehavior = 'answer' | 'voicemail' | 'busy' | 'no-answer' | 'fail';
export interface PartyConfig {
  behavior: PartyBehavior;
  afterMs?: number;
  /** answer: the keys pressed at each <Gather> on this party's leg; '' = none. Default "1". */
  presses?: string;
  /** answer: how long after a <Gather> starts the keys are pressed. Default PRESS_AFTER_MS. */
  pressAfterMs?: number;
}

/** An answering party picks up after this long unless told otherwise. */
export const DEFAULT_ANSWER_AFTER_MS = 1000;
/** A person presses the key this long after a <Gather> starts (while its prompt plays, as people do). */
export const PRESS_AFTER_MS = 1500;

export interface Keypress {
  digits: string;
  afterMs: number;
}

/** What a party presses at a <Gather> on its own leg, or undefined: it never presses. */
export function keypressOf(party: PartyConfig): Keypress | undefined {
  if (party.behavior !== 'answer') return undefined;
  const digits = party.presses ?? '1';
  return digits === '' ? undefined : { digits, afterMs: party.pressAfterMs ?? PRESS_AFTER_MS };
}

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
