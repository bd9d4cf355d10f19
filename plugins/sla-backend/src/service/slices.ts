/**
 * Long synchronous work on the request thread (a bulk evaluation, an overview build) split
 * into slices of about SLICE_MS, between which other requests run. Counted by time, not by
 * items: under load one item costs several times what it costs on an idle machine, so a
 * count that is 20 ms idle held the event loop for 100 ms and more (issue 14, ninth pass).
 */
import { performance } from 'perf_hooks';

/** How long a slice of synchronous work may hold the event loop, in ms. */
export const SLICE_MS = 8;

/** Resolves once the requests waiting for the event loop have had their turn. */
export const yieldToRequests = () =>
  new Promise<void>(resolve => setImmediate(resolve));

/**
 * Work cut into slices: `await pause()` between items yields to other requests once the
 * current slice has lasted `sliceMs`, and otherwise goes on at once.
 */
export class Slices {
  private started: number;

  /** Slices ended with a yield so far. */
  yields = 0;

  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.started = clock();
  }

  pause(): Promise<void> | undefined {
    if (this.clock() - this.started < this.sliceMs) return undefined;
    this.yields++;
    return yieldToRequests().then(() => {
      this.started = this.clock();
    });
  }
}
