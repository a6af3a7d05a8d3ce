/** Benchmark output: one JSON line per figure, so a figure can be compared across commits. */
export type Figure = { bench: string; figure: string; value: number; goal?: string; unit?: string; note?: string };

export function emit(f: Figure): void {
  const value = Number.isFinite(f.value) ? Math.round(f.value * 1000) / 1000 : f.value;
  console.log(JSON.stringify({ ...f, value }));
}

/** Median wall time (ms) of `runs` calls after `warmup` unmeasured ones. */
export function medianMs(fn: () => unknown, runs = 7, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
