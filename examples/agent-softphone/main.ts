// The agent's softphone: registers a Twilio Voice SDK Device as AGENT_NUMBER=client:<identity>,
// rings with each caller, and holds/resumes the caller by the CallerCallSid custom parameter the
// incoming call carries (docs/finding-the-call.md, section 3). Served by the deployed service as
// /agent-softphone.html (scripts/build.ts bundles this file, minified, without a source map).
// It needs real Twilio: offline, the emulator has no Voice SDK endpoint to register with.
import { Call, Device } from '@twilio/voice-sdk';
import { AgentApiError, callerCallSidOf, fetchAgentToken, setCallerHold } from './agent-api';

const page = {
  form: document.querySelector<HTMLFormElement>('#token-form')!,
  tokenInput: document.querySelector<HTMLInputElement>('#token')!,
  status: document.querySelector<HTMLElement>('#status')!,
  error: document.querySelector<HTMLElement>('#error')!,
  call: document.querySelector<HTMLElement>('#call')!,
  from: document.querySelector<HTMLElement>('#from')!,
  callerCallSid: document.querySelector<HTMLElement>('#caller-call-sid')!,
  accept: document.querySelector<HTMLButtonElement>('#accept')!,
  reject: document.querySelector<HTMLButtonElement>('#reject')!,
  hold: document.querySelector<HTMLButtonElement>('#hold')!,
  resume: document.querySelector<HTMLButtonElement>('#resume')!,
  hangUp: document.querySelector<HTMLButtonElement>('#hang-up')!,
};

// Same origin as the functions: the page is one of the service's assets.
const base = window.location.origin;
// Kept in memory only: reloading the page asks for the token again.
let holdApiToken = '';
let device: Device | undefined;
let current: Call | undefined;

function say(status: string): void {
  page.status.textContent = status;
}

function fail(error: unknown): void {
  const message =
    error instanceof AgentApiError
      ? error.message
      : error && typeof error === 'object' && 'code' in error
        ? `Twilio error ${String((error as { code: unknown }).code)}: ${String((error as { message?: unknown }).message ?? '')}`
        : String(error);
  page.error.textContent = message;
}

function showCall(call: Call | undefined, state: 'ringing' | 'talking' | 'held' | 'none'): void {
  current = call;
  page.call.hidden = state === 'none';
  page.accept.hidden = page.reject.hidden = state !== 'ringing';
  page.hold.hidden = state !== 'talking';
  page.resume.hidden = state !== 'held';
  page.hangUp.hidden = state === 'ringing' || state === 'none';
  if (!call) return;
  page.from.textContent = call.parameters.From ?? 'unknown';
  page.callerCallSid.textContent = callerCallSidOf(call.customParameters) ?? 'not given (is this call from the hold service?)';
}

async function register(): Promise<void> {
  const { token, identity } = await fetchAgentToken(base, holdApiToken);
  device?.destroy();
  // closeProtection: closing the tab during a call asks first, as a phone would not hang up by itself.
  device = new Device(token, { closeProtection: true });
  device.on('registered', () => say(`Ready: calls to client:${identity} ring here.`));
  device.on('unregistered', () => say('Not registered: calls do not ring here.'));
  device.on('error', fail);
  // The Device warns before its token expires (10 s by default): fetch a new one and hand it over.
  device.on('tokenWillExpire', () => {
    fetchAgentToken(base, holdApiToken).then(({ token: next }) => device?.updateToken(next), fail);
  });
  device.on('incoming', (call: Call) => {
    if (current) {
      call.reject();
      return;
    }
    page.error.textContent = '';
    showCall(call, 'ringing');
    say('Ringing.');
    const over = (): void => {
      showCall(undefined, 'none');
      say(`Ready: calls to client:${identity} ring here.`);
    };
    call.on('cancel', over);
    call.on('disconnect', over);
    call.on('reject', over);
    call.on('error', fail);
  });
  say('Registering…');
  await device.register();
}

page.form.addEventListener('submit', (event) => {
  event.preventDefault();
  holdApiToken = page.tokenInput.value.trim();
  page.tokenInput.value = '';
  page.error.textContent = '';
  register().catch(fail);
});

page.accept.addEventListener('click', () => {
  current?.accept();
  showCall(current, 'talking');
  say('Talking.');
});
page.reject.addEventListener('click', () => current?.reject());
page.hangUp.addEventListener('click', () => current?.disconnect());

async function holdOrResume(hold: boolean): Promise<void> {
  const callerCallSid = current && callerCallSidOf(current.customParameters);
  if (!callerCallSid) throw new AgentApiError(0, 'This call carries no CallerCallSid: it cannot be held from here.');
  const held = await setCallerHold(base, holdApiToken, callerCallSid, hold);
  showCall(current, held ? 'held' : 'talking');
  say(held ? 'Your caller is on hold and hears the music.' : 'Talking.');
}
for (const [button, hold] of [
  [page.hold, true],
  [page.resume, false],
] as const) {
  button.addEventListener('click', () => {
    button.disabled = true;
    page.error.textContent = '';
    holdOrResume(hold)
      .catch(fail)
      .finally(() => {
        button.disabled = false;
      });
  });
}
