// The offline twin: the local emulator on a virtual clock, driven over real HTTP with the real
// twilio SDK (exactly as the live target drives Twilio), its webhooks answered by the recorder.
// `npm test` runs every scenario here (tests/conformance/), which proves the scenario code.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { type Emulator, startEmulator } from '../emulator';
import { Recorder } from './recorder';
import { type AgentBehaviour, TargetBase } from './target';

const CALLER = '+15551230000';
const BUSINESS = '+15550100000';

export class EmulatorTarget extends TargetBase {
  readonly kind = 'emulator' as const;
  protected readonly pollEveryMs = 250;

  private constructor(
    readonly emu: Emulator,
    recorder: Recorder,
  ) {
    const client = twilio(emu.accountSid, emu.authToken);
    client.api.baseUrl = emu.url;
    super(client, recorder, { caller: CALLER, business: BUSINESS }, recorder.localUrl, randomBytes(4).toString('hex'));
  }

  static async start(): Promise<EmulatorTarget> {
    const recorder = await Recorder.start();
    const emu = await startEmulator({
      clock: 'virtual',
      // What the scenarios read must be what Twilio would send.
      validateResponses: true,
      numbers: [{ phoneNumber: BUSINESS, voiceUrl: `${recorder.localUrl}/incoming`, voiceMethod: 'POST' }],
    });
    return new EmulatorTarget(emu, recorder);
  }

  async agent(behaviour: AgentBehaviour): Promise<string> {
    this.emu.setParty(
      CALLER,
      'busy' in behaviour ? { behavior: 'busy', afterMs: 1000 } : { behavior: 'answer', afterMs: behaviour.answersAfterMs },
    );
    return CALLER;
  }

  async placeInboundCall(): Promise<string> {
    const sid = await this.emu.placeCall({ from: CALLER, to: BUSINESS });
    await this.emu.settle();
    return sid;
  }

  wait(ms: number): Promise<void> {
    return this.emu.advance(ms);
  }

  protected settleAfterCleanup(): Promise<void> {
    return this.emu.advance(1000);
  }

  async close(): Promise<void> {
    await this.emu.close();
    await this.recorder.close();
  }
}
