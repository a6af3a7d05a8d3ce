// The teacher's app in Debian's Chromium, on copies of the demo station. Prints JSON lines:
//   first_paint_ms: first-contentful-paint of a fresh page (a new browser context, nothing cached) once the
//     server is up, from the launch link to the app's first paint; median of 5. Goal < 1000.
//   last_page_to_results_screen_ms: the demo stack (printed 7A workbooks, synthetic filled pages) scanned from
//     the Scan screen with the replay scanner; from the last page graded to the Results screen showing 7A's
//     items. The end of the stack is noticed by polling the station every 20 ms (as a teacher sees the scan
//     end), so that wait is in the figure. Goal < 2000.
//   then bench/app-review.bench.ts's figures (review_keystrokes_per_decision, review_1000_render_ms).
// Run: npm run bench:app
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEMO_STEPS, type DemoState } from '../src/station/demo';
import { invoke } from '../src/station/invoke';
import { openApp } from '../tests/support/app';
import { until } from '../tests/support/reviewTeacher';
import { emit } from './lib/emit';

const FIRST_PAINT_RUNS = 5;
const quiet = { out: () => undefined, err: () => undefined };

{
  const app = await openApp('imported');
  try {
    const paints: number[] = [];
    for (let i = 0; i < FIRST_PAINT_RUNS; i++) {
      const page = await app.openPage('en', '');
      await until(async () => (await page.evaluate(() => performance.getEntriesByName('first-contentful-paint').length)) > 0);
      paints.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]!.startTime));
      await page.context().close();
    }
    paints.sort((a, b) => a - b);
    emit({ bench: 'app', figure: 'first_paint_ms', value: paints[Math.floor(paints.length / 2)]!, unit: 'ms', goal: '< 1000', note: `median of ${FIRST_PAINT_RUNS} fresh pages: ${paints.map(Math.round).join(', ')} ms` });
  } finally {
    await app.close();
  }
}

{
  const app = await openApp('imported');
  try {
    // Compose, approve and print both classes, and synthesise the 7A stack, as `paperloop demo` does (its steps 2–5).
    const state: DemoState = { date: '2026-11-25', outDir: join(app.dataDir, 'out'), files: {} };
    for (const step of DEMO_STEPS.slice(1, 5)) await step.run(app.ctx, state, quiet);
    let lastGradedAt = 0;
    let graded = 0;
    app.ctx.events.subscribe((e) => {
      if (e.type !== 'graded') return;
      lastGradedAt = performance.now();
      graded++;
    });
    const page = await app.openPage('en', '#/scan');
    await page.locator('#scan-device').selectOption(`replay:out/scans-7A-${state.date}`);
    await until(() => page.locator('#scan-start').isEnabled());
    await page.locator('#scan-pace').fill('0');
    await page.locator('#scan-start').click();
    // The end of the stack: the feeder ran empty and every page read.
    await until(async () => {
      const s = await invoke(app.ctx, 'scanStatus', {});
      return s.ok && s.value.run?.pause?.kind === 'FeederEmpty' && s.value.run.counts.waiting === 0;
    }, 900_000);
    const noticedAt = performance.now();
    await page.locator('nav a[data-screen="results"]').click();
    await until(async () => (await page.locator('tr[data-item-id]').count()) > 0 && (await page.locator('#results-class').inputValue()) === '7A');
    const value = performance.now() - lastGradedAt;
    await invoke(app.ctx, 'scanDecision', { decision: 'finish' });
    emit({ bench: 'app', figure: 'last_page_to_results_screen_ms', value, unit: 'ms', goal: '< 2000', note: `${graded} pages graded from the replayed demo stack; the end noticed by polling scanStatus every 20 ms, ${Math.round(noticedAt - lastGradedAt)} ms after the last page was graded; the Results screen ${Math.round(value - (noticedAt - lastGradedAt))} ms after the click` });
  } finally {
    await app.close();
  }
}

// The review figures, from their own script (a station of their own).
const review = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'app-review.bench.ts')], { stdio: 'inherit' });
if (review.status !== 0) process.exitCode = review.status ?? 1;
