// Hold reminders end to end (docs/hold-experience.md), both modes: the emulator's virtual clock, the BUILT
// functions under twilio-run, HOLD_REMINDER_SECONDS=60 with the bundled 30 s music (the emulator
// plays every audio file for 30 s). A reminder follows every 2 plays: reminder n starts at
// n x 60 s + (n - 1) x 4.4 s of hold (each reminder is 11 words at 150 a minute), as
// docs/hold-experience.md states. Needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, startE2e, type E2eHarness } from '../../harness/e2e';

const SPEECH_MS = 4400;
/** Hold time (ms) at which reminder n (from 1) starts. */
const reminderAt = (n: number) => n * 60_000 + (n - 1) * SPEECH_MS;

describe.each(['conference', 'dial'] as const)('hold reminders in %s mode', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode, env: { HOLD_REMINDER_SECONDS: '60' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('says the real time held at the documented seconds: nothing at 0, 1 minute, 2 minutes, more than an hour at 61', async () => {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    expect(h.hears(caller)).toMatchObject({ kind: 'party' });
    const fromLog = h.emu.log().length;
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    let heldMs = 0;
    const advanceTo = async (ms: number) => {
      while (heldMs < ms) {
        const step = Math.min(60_000, ms - heldMs);
        await h.advance(step);
        heldMs += step;
      }
    };
    const heard = () => h.hears(caller);
    const music = { kind: 'music', url: expect.stringMatching(/\/hold-music\.mp3$/) };

    expect(heard()).toMatchObject(music); // 0 minutes: the music, no words
    await advanceTo(reminderAt(1) - 1000);
    expect(heard()).toMatchObject(music);
    await advanceTo(reminderAt(1) + 1000);
    expect(heard()).toEqual({ kind: 'speech', text: 'Thanks for holding. You have been holding for about 1 minute.' });
    await advanceTo(reminderAt(1) + SPEECH_MS + 1000);
    expect(heard()).toMatchObject(music);
    await advanceTo(reminderAt(2) + 1000);
    expect(heard()).toEqual({ kind: 'speech', text: 'Thanks for holding. You have been holding for about 2 minutes.' });
    // Reminder 57 starts at 3,666.4 s: 61 minutes held.
    await advanceTo(reminderAt(57) - 1000);
    expect(heard()).toMatchObject(music);
    await advanceTo(reminderAt(57) + 1000);
    expect(heard()).toEqual({ kind: 'speech', text: 'Thanks for holding. You have been holding for more than an hour.' });

    // The cost: one /hold-music request per hold; its document holds every reminder and then loops the music.
    const holdMusicRequests = h.emu
      .log()
      .slice(fromLog)
      .filter((e) => e.type === 'webhook' && /\/hold-music(\?|\s)/.test(e.summary) && / -> 200/.test(e.summary));
    expect(holdMusicRequests).toHaveLength(1);

    expect((await h.control('unhold', { CallSid: caller })).status).toBe(200);
    expect(h.hears(caller)).toMatchObject({ kind: 'party' });
    await h.partyHangsUp(caller);
  });

  it('an outage 600-660 s into the hold (once a batch boundary): the caller hears the music and the reminders throughout', async () => {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const agent = h.agentOf(caller)!;
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    for (let i = 0; i < 10; i += 1) await h.advance(60_000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' }); // 600 s: inside the first batch
    await h.functionsDown();
    try {
      for (let i = 0; i < 60; i += 1) {
        await h.advance(1_000);
        expect(['music', 'speech']).toContain((h.hears(caller) as { kind: string }).kind);
      }
    } finally {
      await h.functionsBack();
    }
    await h.advance(30_000);
    expect(h.hears(caller)).not.toBe('ended');
    expect((await h.control('unhold', { CallSid: caller })).status).toBe(200);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    expect(h.droppedCalls([caller, agent])).toEqual([]);
    await h.partyHangsUp(caller);
  });
});
