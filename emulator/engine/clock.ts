// Two clocks behind one interface. The virtual clock only moves when the engine advances it, so
// a ten-minute hold takes microseconds in a test and never flakes; the real clock is for demos.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  readonly kind: 'virtual' | 'real';
  /** Milliseconds since the emulator started. */
  now(): number;
  /** Wall-clock epoch ms of now() = 0; dates shown on the wire are epoch + now(). */
  readonly epochMs: number;
  schedule(delayMs: number, fn: () => void): TimerHandle;
}

interface VirtualTimer extends TimerHandle {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A binary min-heap of timers by (at, seq): due timers run in time order, ties in creation order. */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  readonly epochMs = Date.now();
  private current = 0;
  private seq = 0;
  private heap: VirtualTimer[] = [];

  now(): number {
    return this.current;
  }

  schedule(delayMs: number, fn: () => void): TimerHandle {
    const timer: VirtualTimer = {
      at: this.current + Math.max(0, delayMs),
      seq: this.seq++,
      fn,
      cancelled: false,
      cancel() {
        this.cancelled = true;
      },
    };
    this.push(timer);
    return timer;
  }

  /** Pops the next live timer due at or before `upTo`, moving the clock to its time. */
  takeDue(upTo: number): (() => void) | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0];
      if (top.cancelled) {
        this.pop();
        continue;
      }
      if (top.at > upTo) return undefined;
      this.pop();
      this.current = Math.max(this.current, top.at);
      return top.fn;
    }
    return undefined;
  }

  /** Moves the clock forward to `to` once nothing is due before it. */
  moveTo(to: number): void {
    this.current = Math.max(this.current, to);
  }

  pendingTimers(): number {
    return this.heap.filter((t) => !t.cancelled).length;
  }

  private less(a: VirtualTimer, b: VirtualTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  private push(t: VirtualTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1,
        r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

export class RealClock implements Clock {
  readonly kind = 'real' as const;
  readonly epochMs = Date.now();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  now(): number {
    return Date.now() - this.epochMs;
  }

  schedule(delayMs: number, fn: () => void): TimerHandle {
    // After close, a webhook answer still in flight must not start new timers (a <Play loop="0">
    // would keep the process alive for ever).
    if (this.stopped) return { cancel: () => undefined };
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, delayMs),
    );
    this.timers.add(t);
    return {
      cancel: () => {
        clearTimeout(t);
        this.timers.delete(t);
      },
    };
  }

  stopAll(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
