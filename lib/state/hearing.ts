// Who hears what on a live call, derived from its record, its mode and the configuration: the
// `hears` field of GET /calls (docs/console.md). Pure: what each state gives each party is the
// design of the two modes (docs/how-it-works.md, docs/dial-mode.md, docs/hold-experience.md).

export type Hearing = 'ringing' | 'music' | 'music-and-reminders' | 'the-agent' | 'the-caller' | 'silence' | 'nobody';

export interface Hears {
  caller: Hearing;
  /** null while the call has no agent leg (still ringing, waiting in line, or the agent is gone). */
  agent: Hearing | null;
}

/** What of a record decides who hears what (`state` is a string: states may be added, e.g. `waiting`). */
export interface HearingFacts {
  mode: 'conference' | 'dial';
  state: string;
  /** Conference mode, Participant=agent: the agent's own hold. */
  agentHoldStartedAt?: string | null;
}

export interface HearingConfig {
  /** HOLD_REMINDER_SECONDS is set: a held party hears the reminders between plays of the music. */
  reminders: boolean;
}

export function whoHearsWhat(call: HearingFacts, config: HearingConfig): Hears {
  const held: Hearing = config.reminders ? 'music-and-reminders' : 'music';
  const agentHeld = call.mode === 'conference' && typeof call.agentHoldStartedAt === 'string';
  switch (call.state) {
    case 'ringing-agent':
      // Conference mode: the caller waits in the conference, whose waitUrl plays the music.
      // Dial mode: Twilio plays its ringback to the caller while <Dial> rings the agent.
      return { caller: call.mode === 'conference' ? 'music' : 'ringing', agent: null };
    case 'waiting':
      return { caller: held, agent: null };
    case 'talking':
      // The agent held alone (conference mode): the caller stays in the conference with nobody to hear.
      return agentHeld ? { caller: 'silence', agent: held } : { caller: 'the-agent', agent: 'the-caller' };
    case 'on-hold':
      // Conference mode: the agent stays in the conference alone (with a hold limit, held on the
      // limit's timer: "Your caller is on hold." then a <Pause>, lib/conference/hold-limit.ts); dial
      // mode: the agent waits in its queue, told the same. All are silence by design. The timer's
      // hold is not the agent's own (agentHoldStartedAt stays null: status-callback.ts, reconcile.ts).
      return { caller: held, agent: agentHeld ? held : 'silence' };
    case 'agent-gone':
      // The caller is being told the agent has gone, then released.
      return { caller: 'nobody', agent: null };
    default:
      return { caller: 'nobody', agent: null };
  }
}
