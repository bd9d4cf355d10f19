/**
 * Long synchronous work on the request thread (a bulk evaluation, an overview build) split
 * into slices of about SLICE_MS, between which other requests run. Counted by time, not by
 * items: what an item costs depends on the load and the data, and slices of 500 overview
 * pieces held the event loop for about 42 ms each under load at 20,000 services (issue 14,
 * ninth pass).
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
