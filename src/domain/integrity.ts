/** Stack integrity for one print job: which pages came back, which are missing, what else was in the stack. */
export type PrintedPageRef = { pageId: string; studentId: string; pageNumber: number; kind: string };
export type ScannedRef = { imageId: number; status: string; pageId: string | null; reason: string | null };

export type StudentIntegrity = { studentId: string; expected: number; received: number; missingPages: number[]; duplicatePages: number[]; blankBacks: number };
export type IntegrityReport = {
  complete: boolean;
  students: StudentIntegrity[];
  foreignPages: { imageId: number; reason: string }[];
  blankPages: number;
  failed: { imageId: number; reason: string }[];
};

export function stackIntegrity(printed: readonly PrintedPageRef[], scanned: readonly ScannedRef[]): IntegrityReport {
  const byPage = new Map<string, ScannedRef[]>();
  for (const s of scanned) if (s.pageId) byPage.set(s.pageId, [...(byPage.get(s.pageId) ?? []), s]);
  const students = new Map<string, StudentIntegrity>();
  for (const p of printed) {
    const st = students.get(p.studentId) ?? { studentId: p.studentId, expected: 0, received: 0, missingPages: [], duplicatePages: [], blankBacks: 0 };
    students.set(p.studentId, st);
    const got = (byPage.get(p.pageId) ?? []).filter((s) => s.status !== 'failed');
    if (p.kind === 'blank_back') {
      st.blankBacks += got.length > 0 ? 1 : 0;
      continue;
    }
    st.expected++;
    if (got.length === 0) st.missingPages.push(p.pageNumber);
    else st.received++;
    if (got.some((s) => s.status === 'duplicate')) st.duplicatePages.push(p.pageNumber);
  }
  const refused = scanned.filter((s) => s.status === 'refused');
  const isBlank = (s: ScannedRef) => (s.reason ?? '').startsWith('blank_page');
  const list = [...students.values()];
  return {
    complete: list.every((s) => s.missingPages.length === 0),
    students: list,
    foreignPages: refused.filter((s) => !isBlank(s)).map((s) => ({ imageId: s.imageId, reason: s.reason ?? '' })),
    blankPages: refused.filter(isBlank).length,
    failed: scanned.filter((s) => s.status === 'failed').map((s) => ({ imageId: s.imageId, reason: s.reason ?? '' })),
  };
}
