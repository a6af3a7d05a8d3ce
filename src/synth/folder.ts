import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ItemBankFile, ItemInput } from '../domain/item';
import { err, ok, type Result } from '../domain/result';
import { DEFAULT_STATION_SETTINGS } from '../domain/settings';
import { PrintedPage } from '../layout/printedPage';
import { PROFILES, type ProfileName } from './degrade';
import { generateStack, makeTruthFile, type StackOptions } from './generate';
import { answerKeyFromItems, type AnswerKey, type AnswerMode, type ImageTruth } from './truth';

export const LayoutJson = z.object({ format: z.literal('paperloop.printed-pages/1'), jobId: z.string(), pages: z.array(PrintedPage) });

export type SynthesizeOptions = {
  pdfPath: string;
  /** The layout.json written with the PDF by `paperloop print --layout-json`. */
  layoutJsonPath: string;
  outDir: string;
  dpi?: number;
  /** Printed-page images to make (cycling through the PDF). Default: one per PDF page. */
  count?: number;
  seed: number | string;
  profile: ProfileName;
  /** Default: 'mixed' when an answer key is given, else 'random'. */
  answers?: AnswerMode;
  /** A paperloop.items/1 file holding the items of the PDF, for the answer key. */
  itemsPath?: string;
  answerKey?: AnswerKey;
  blankBacks?: boolean;
  foreignPages?: number;
  upsideDownRate?: number;
  /** Called after each image is written. */
  onImage?: (done: number, total: number, truth: ImageTruth) => void;
};

/** Writes a synthetic scanned stack (scan-0001.jpg …) and truth.json into outDir. */
export async function synthesizeToFolder(o: SynthesizeOptions): Promise<Result<{ images: number; truthPath: string; outDir: string }, string>> {
  if (!(o.profile in PROFILES)) return err(`unknown profile "${o.profile}". Fix: use clean, typical or harsh.`);
  let pdf: Uint8Array;
  try {
    pdf = readFileSync(o.pdfPath);
  } catch (e) {
    return err(`${o.pdfPath}: cannot read the PDF (${(e as Error).message}).`);
  }
  let layout: z.infer<typeof LayoutJson>;
  try {
    const parsed = LayoutJson.safeParse(JSON.parse(readFileSync(o.layoutJsonPath, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return err(`${o.layoutJsonPath}: not a paperloop.printed-pages/1 file ("${issue.path.join('.')}": ${issue.message}). Fix: use the --layout-json output of "paperloop print".`);
    }
    layout = parsed.data;
  } catch (e) {
    return err(`${o.layoutJsonPath}: cannot read layout JSON (${(e as Error).message}).`);
  }
  let answerKey = o.answerKey;
  if (!answerKey && o.itemsPath) {
    try {
      const bank = ItemBankFile.parse(JSON.parse(readFileSync(o.itemsPath, 'utf8')));
      const items = bank.items.flatMap((i) => {
        const p = ItemInput.safeParse(i);
        return p.success ? [p.data] : [];
      });
      answerKey = answerKeyFromItems(items);
    } catch (e) {
      return err(`${o.itemsPath}: cannot read the item bank (${(e as Error).message}). Fix: pass a paperloop.items/1 file.`);
    }
  }
  try {
    mkdirSync(o.outDir, { recursive: true });
  } catch (e) {
    return err(`${o.outDir}: cannot create the output folder (${(e as Error).message}).`);
  }
  const answers = o.answers ?? (answerKey ? 'mixed' : 'random');
  const options: StackOptions = {
    pdf, pages: layout.pages, dpi: o.dpi ?? DEFAULT_STATION_SETTINGS.scanDpi, seed: o.seed, profile: o.profile, answers,
    ...(answerKey ? { answerKey } : {}),
    ...(o.count !== undefined ? { count: o.count } : {}),
    ...(o.blankBacks !== undefined ? { blankBacks: o.blankBacks } : {}),
    ...(o.foreignPages !== undefined ? { foreignPages: o.foreignPages } : {}),
    ...(o.upsideDownRate !== undefined ? { upsideDownRate: o.upsideDownRate } : {}),
  };
  const total = (o.count ?? layout.pages.length) * (o.blankBacks ? 2 : 1) + (o.foreignPages ?? 0);
  const truths: ImageTruth[] = [];
  try {
    for await (const img of generateStack(options)) {
      writeFileSync(join(o.outDir, img.fileName), img.bytes);
      truths.push(img.truth);
      o.onImage?.(truths.length, total, img.truth);
    }
  } catch (e) {
    return err(`synth failed after ${truths.length} image(s): ${(e as Error).message}`);
  }
  const truthPath = join(o.outDir, 'truth.json');
  writeFileSync(truthPath, JSON.stringify(makeTruthFile(options, truths), null, 1) + '\n');
  return ok({ images: truths.length, truthPath, outDir: o.outDir });
}
