// Arms one step's REST fault on the emulator. Faults never outlive their step: whatever a step did
// not use up is cleared after it (see runner.ts).
import type { Emulator } from '../../../emulator';
import type { Fault } from './model';

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

export function disarmFaults(emu: Emulator): void {
  emu.faults.clear();
}
