/**
 * A virtual clock shared by many concurrent coroutines: time moves only when every one of them
 * is waiting, straight to the earliest wake-up. Lets a hundred teardowns that would take minutes
 * run in milliseconds, in the same order of events as on a real clock.
 */
export class VirtualScheduler {
  private time = 0;
  private sequence = 0;
  private readonly sleepers: Array<{ at: number; sequence: number; wake: () => void }> = [];

  readonly now = (): number => this.time;

  readonly sleep = (ms: number): Promise<void> => new Promise((wake) => {
    this.sleepers.push({ at: this.time + Math.max(0, ms), sequence: this.sequence++, wake });
  });

  /** Runs until `done()`: lets every coroutine run as far as it can, then wakes the earliest sleeper. */
  async run(done: () => boolean): Promise<void> {
    for (;;) {
      // A macrotask turn: every promise chain resolved so far runs to its next sleep.
      await new Promise((resolve) => setImmediate(resolve));
      if (done()) {
        return;
      }
      if (this.sleepers.length === 0) {
        throw new Error('every coroutine is blocked on something other than the virtual clock');
      }
      let earliest = 0;
      for (let i = 1; i < this.sleepers.length; i++) {
        const [a, b] = [this.sleepers[i], this.sleepers[earliest]];
        if (a.at < b.at || (a.at === b.at && a.sequence < b.sequence)) {
          earliest = i;
        }
      }
      const [next] = this.sleepers.splice(earliest, 1);
      this.time = next.at;
      next.wake();
    }
  }
}
