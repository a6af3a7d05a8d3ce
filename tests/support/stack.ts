import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PrintedPage } from '../../src/layout/printedPage';
import { invoke } from '../../src/station/invoke';
import { generateStack, type StackOptions } from '../../src/synth/generate';
import { answerKeyFromItems } from '../../src/synth/truth';
import type { tempStation } from './station';

/** Composes, approves and prints a set for a class; returns the PDF and its PrintedPages. */
export async function printSet(ctx: ReturnType<typeof tempStation>, classId: string, minutes: number, seed = 'stack') {
  const c = await invoke(ctx, 'compose', { classId, subject: 'math', date: '2026-11-25', minutes, tier: 'core', seed });
  if (!c.ok) throw new Error(c.error.message);
  const a = await invoke(ctx, 'approve', { setId: c.value.setId });
  if (!a.ok) throw new Error(a.error.message);
  const out = join(ctx.dir, 'out');
  const p = await invoke(ctx, 'print', { setId: c.value.setId, out: join(out, `${seed}.pdf`), layoutJson: join(out, `${seed}.json`) });
  if (!p.ok) throw new Error(p.error.message);
  const pages = JSON.parse(readFileSync(join(out, `${seed}.json`), 'utf8')).pages as PrintedPage[];
  return { setId: c.value.setId, pdf: readFileSync(join(out, `${seed}.pdf`)), pages };
}

/** Writes a synthetic scanned stack into a folder (scan-0001.jpg …) plus truth.json. */
export async function writeStack(ctx: ReturnType<typeof tempStation>, folder: string, o: Omit<StackOptions, 'answerKey'>) {
  mkdirSync(folder, { recursive: true });
  const truths = [];
  for await (const img of generateStack({ ...o, answerKey: answerKeyFromItems(ctx.store.currentItems()) })) {
    writeFileSync(join(folder, img.fileName), img.bytes);
    truths.push(img.truth);
  }
  writeFileSync(join(folder, 'truth.json'), JSON.stringify({ images: truths }));
  return truths;
}
