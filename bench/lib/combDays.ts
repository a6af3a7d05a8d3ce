// The comb network over five simulated school days of a 40-student class (src/synth/combClass.ts):
// the review share per day as the teacher's resolved reviews adapt the reader, silent comb errors,
// per pen style, and the network's cost per comb.
import { simulateClass } from '../../src/synth/combClass';
import { loadCombNet } from '../../src/vision/decode';
import { readCombBox } from '../../src/vision/handwriting/combNet';
import { mnistSample } from '../../src/synth/combSamples';
import { mnistSplit } from '../../src/vision/testing/mnist';
import { seededRng } from '../../src/domain/random';

type Out = (figure: string, value: number, unit: string, goal?: string, extra?: Record<string, unknown>) => void;

export function combDays(out: Out): void {
  const net = loadCombNet();
  const run = simulateClass(net, { students: 40, days: 5, itemsPerDay: 3, seed: 'bench-comb-days', adapt: true });
  const pct = (a: number, b: number) => (100 * a) / Math.max(1, b);
  for (const d of run.days) {
    const byTool = Object.fromEntries(Object.entries(d.byTool).map(([t, f]) => [t, { review_pct: Math.round(pct(f.review, f.combs) * 10) / 10, silent: f.silentWrong }]));
    const goal = d.day === 1 ? '<=15' : d.day === 5 ? '<=5' : undefined;
    out(`comb_review_pct_day${d.day}`, pct(d.review, d.combs), '%', goal, { combs: d.combs, silent_wrong: d.silentWrong, by_pen: byTool });
  }
  out('silent_comb_errors', run.days.reduce((s, d) => s + d.silentWrong, 0), 'combs', '0', { combs: run.days.reduce((s, d) => s + d.combs, 0), confirmed_boxes: run.confirmed });
  // The network's cost: one 3-box comb = three forward passes.
  const rng = seededRng('bench-comb-ms');
  const crops = mnistSplit().test.slice(0, 300).map((s) => mnistSample(s.darkness, rng));
  // CPU time of this thread's process: the machine may be shared.
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const [w0, c0] = [performance.now(), cpu()];
  for (const c of crops) readCombBox(net, c);
  const per = (ms: number) => (3 * ms) / crops.length;
  out('comb_net_ms_per_comb', per(cpu() - c0), 'ms', '<5', { clock: 'cpu', wall_ms: Math.round(per(performance.now() - w0) * 100) / 100, boxes_per_comb: 3 });
}
