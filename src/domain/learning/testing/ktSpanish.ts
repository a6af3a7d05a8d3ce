import type { GradedResponse } from '../../response';
import { err, ok, type Result } from '../../result';

/**
 * The Spanish knowledge-tracing sample (Lindsey et al. 2014; fixtures/external/kt/PROVENANCE.md):
 * a TSV with header `user_id item_id timestamp correct skill_id`, rows in each student's
 * chronological order, no real timestamps. Parsing is pure; reading the file is the caller's job.
 */
export type KtRow = { user: string; item: string; correct: boolean; skill: string };

export function parseKtTsv(text: string): Result<KtRow[], { line: number; message: string }> {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  const col = (name: string) => header.indexOf(name);
  const [u, i, c, k] = [col('user_id'), col('item_id'), col('correct'), col('skill_id')];
  if (u < 0 || i < 0 || c < 0 || k < 0) return err({ line: 1, message: `unexpected header: ${lines[0] ?? ''}` });
  const rows: KtRow[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n] as string;
    if (!line) continue;
    const f = line.split('\t');
    const correct = f[c];
    if (correct !== '0' && correct !== '1') return err({ line: n + 1, message: `correct must be 0 or 1, got ${correct}` });
    rows.push({ user: f[u] as string, item: f[i] as string, correct: correct === '1', skill: f[k] as string });
  }
  return ok(rows);
}

/** Rows as graded responses in file order (seq = row index). The data has no dates: one date for all. */
export function ktResponses(rows: readonly KtRow[], date = '2014-01-06'): GradedResponse[] {
  return rows.map((r, seq) => ({
    studentId: `u${r.user}`,
    itemId: `i${r.item}`,
    itemVersion: 1,
    skills: [`k${r.skill}`],
    answer: r.correct ? '1' : '0',
    score: r.correct ? 1 : 0,
    maxScore: 1,
    correct: r.correct,
    date,
    seq,
  }));
}
