/** Measures the width in mm of a string set in the page font at a size in points. Injected by the renderer. */
export type MeasureText = (text: string, sizePt: number) => number;

export const PT_TO_MM = 25.4 / 72;

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;

/** Splits text into units that may not be broken: CJK characters one by one, other words whole. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const ch of text) {
    if (CJK.test(ch)) {
      if (word) out.push(word);
      word = '';
      out.push(ch);
    } else if (ch === ' ') {
      if (word) out.push(word);
      out.push(' ');
      word = '';
    } else word += ch;
  }
  if (word) out.push(word);
  return out;
}

/** Wraps text into lines no wider than widthMm. Explicit newlines are kept. */
export function wrapText(text: string, widthMm: number, sizePt: number, measure: MeasureText): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const t of tokens(paragraph)) {
      const candidate = line + t;
      if (measure(candidate.trimEnd(), sizePt) <= widthMm) {
        line = candidate;
        continue;
      }
      if (line.trim() !== '') lines.push(line.trimEnd());
      line = t === ' ' ? '' : t;
      // A single token wider than the line is hard-broken by characters.
      while (line.length > 1 && measure(line, sizePt) > widthMm) {
        let cut = line.length - 1;
        while (cut > 1 && measure(line.slice(0, cut), sizePt) > widthMm) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

export function lineHeightMm(sizePt: number): number {
  return sizePt * PT_TO_MM * 1.45;
}
