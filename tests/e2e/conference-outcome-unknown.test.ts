// An outcome that is not known (docs/security.md), over HTTP: Twilio takes longer than the 5 s request timeout to answer a hold
// (it still applies it afterwards). The answer must not be a plain 502 "could not reach Twilio"
// but a 504 that says the outcome is unknown, with the state read back at that moment.
// Real time: about 7 s. Needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, startE2e, type E2eHarness } from '../../harness/e2e';

let h: E2eHarness;
beforeAll(async () => {
  h = await startE2e({ mode: 'conference' });
});
afterAll(async () => {
  await h.close();
});

it('a hold that Twilio applies after the timeout: 504 outcome unknown, the state read back, and the hold does happen', async () => {
  const caller = await h.placeCall();
  await h.advance(AGENT_ANSWERS_AFTER_MS);
  const conference = h.conferenceOf(caller)!.sid;
  // The update is answered (and applied) after 6 s; the functions' REST timeout is 5 s.
  h.emu.faults.add({ target: 'rest', method: 'POST', path: '/Participants/', latencyMs: 6000, count: 1 });

  const reply = await h.control('hold', { CallSid: caller, ConferenceSid: conference });

  expect(reply.status).toBe(504);
  // Read back while Twilio had not yet applied the hold.
  expect(reply.body).toMatchObject({ error: 'outcome-unknown', outcome: 'unknown', callSid: caller, held: false });
  // The request was sent: it still takes effect, which is why the answer could not say 502.
  const deadline = Date.now() + 5000;
  while (h.hears(caller) !== 'ended' && (h.hears(caller) as { kind: string }).kind !== 'music' && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
    await h.emu.settle();
  }
  expect(h.hears(caller)).toMatchObject({ kind: 'music' });
  await h.partyHangsUp(caller);
});
