// Arms one step's faults on the emulator: a REST fault (Twilio's answers to the functions) and a
// webhook fault (the functions' answers to Twilio). Faults never outlive their step: whatever a
// step did not use up is cleared after it (see runner.ts). A webhook delayed by a fault was
// already taken when it was sent, so it still arrives late after the clear.
import type { Emulator } from '../../../emulator';
import type { Fault, WebhookFault, WebhookTarget } from './model';

export function armFault(emu: Emulator, fault: Fault): void {
  if (emu.faults.list().length > 0) throw new Error('a fault from an earlier step is still armed');
  switch (fault.kind) {
    case 'none':
      return;
    case 'retryable':
      emu.faults.add({ target: 'rest', status: fault.status, count: fault.count });
      return;
    case 'error500':
      // Exactly the n-th REST request after it is armed, whatever its method and path.
      emu.faults.add({ target: 'rest', status: 500, skip: fault.nth - 1, count: 1 });
      return;
  }
}

/** Every webhook to the functions (`all`), or to the one function at that path. */
function webhookUrl(functionsUrl: string, target: WebhookTarget): RegExp {
  const escaped = functionsUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A path must match exactly up to its query: /hold-music is not /hold-music.mp3.
  return target === 'all' ? new RegExp(`^${escaped}/`) : new RegExp(`^${escaped}${target}(\\?|$)`);
}

export function armWebhookFault(emu: Emulator, functionsUrl: string, fault: WebhookFault): void {
  switch (fault.kind) {
    case 'none':
      return;
    case 'fail':
      emu.faults.add({ target: 'webhook', url: webhookUrl(functionsUrl, fault.target), status: 500 });
      return;
    case 'slow':
      emu.faults.add({ target: 'webhook', url: webhookUrl(functionsUrl, fault.target), latencyMs: fault.latencyMs });
      return;
  }
}

/** The functions are down: every webhook to them fails, until disarmFaults(). */
export function armOutage(emu: Emulator, functionsUrl: string): void {
  armWebhookFault(emu, functionsUrl, { kind: 'fail', target: 'all' });
}

export function disarmFaults(emu: Emulator): void {
  emu.faults.clear();
}
