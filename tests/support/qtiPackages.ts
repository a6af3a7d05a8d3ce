/** IMS content packages built from the QTI samples in fixtures/external/qti (licences in fixtures/external/PROVENANCE.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { REPO_ROOT } from '../../src/station/context';

const QTI = join(REPO_ROOT, 'fixtures', 'external', 'qti');
export const SAMPLE_ITEMS = {
  'items/choice22.xml': join(QTI, 'v2p1-v2p2', 'pieqti_qti22_choice-single.xml'),
  'items/addition21.xml': join(QTI, 'v2p1-v2p2', 'qtiworks_qti21_text-entry-addition.xml'),
  'items/choice30.xml': join(QTI, 'v3p0', 'pieqti_qti3-choice-single.xml'),
  'items/essay30.xml': join(QTI, 'v3p0', 'pieqti_qti3-extended-text.xml'),
};
export const DEFAULTS = { subject: 'math', grade: 7, skills: ['m7.ratio'], tier: 'core' as const, minutes: 1.5, language: 'en' };
export const QTI_FLAGS = ['--subject', 'math', '--grade', '7', '--skills', 'm7.ratio'];

export function manifest(hrefs: string[], extra = ''): string {
  const resources = hrefs
    .map((href, i) => `<resource identifier="R${i}" type="imsqti_item_xmlv${href.includes('30') ? '3p0' : '2p2'}" href="${href}"><file href="${href}"/></resource>`)
    .join('\n    ');
  return `<?xml version="1.0" encoding="UTF-8"?>
${extra}<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="PKG">
  <organizations/>
  <resources>
    ${resources}
    <resource identifier="T1" type="imsqti_test_xmlv2p2" href="test.xml"><file href="test.xml"/></resource>
  </resources>
</manifest>`;
}

/** A content package with the four sample items, plus any extra entries (names as given: raw, unchecked). */
export async function buildPackage(extra: Record<string, string | Uint8Array> = {}, manifestText = manifest(Object.keys(SAMPLE_ITEMS))): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('imsmanifest.xml', manifestText);
  zip.file('test.xml', '<assessmentTest identifier="T"/>');
  for (const [path, file] of Object.entries(SAMPLE_ITEMS)) zip.file(path, readFileSync(file));
  for (const [path, content] of Object.entries(extra)) zip.file(path, content, { createFolders: false });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

