import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import { beforeAll, describe, expect, it } from 'vitest';
import { listPrinters, parsePrinters, sendToPrinter } from '../src/station/printers';
import { FILE_QUEUE, lpstatInstalled, printedThroughFileQueue, splitPjl } from './support/cups';

const dir = mkdtempSync(join(tmpdir(), 'printers-'));
const pdfPath = join(dir, 'three-pages.pdf');

beforeAll(async () => {
  const { PDFDocument } = await import('@cantoo/pdf-lib');
  const doc = await PDFDocument.create();
  for (let i = 0; i < 3; i++) doc.addPage([595.28, 841.89]).drawText(`page ${i + 1}`, { x: 72, y: 720, size: 24 });
  writeFileSync(pdfPath, await doc.save());
});

/** Runs `body` with the environment changed, as the station's lpstat and lp would see it. */
async function withEnv<T>(changes: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(changes).map((k) => [k, process.env[k]]));
  Object.assign(process.env, changes);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

const pageCount = (pdf: Buffer) => {
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  try {
    return { pages: doc.countPages(), width: Math.round(doc.loadPage(0).getBounds()[2]) };
  } finally {
    doc.destroy();
  }
};

describe('lpstat output', () => {
  it('reads queues, the default and disabled ones', () => {
    const p = 'printer Office is idle.  enabled since Sun Dec  6 18:59:52 2026\nprinter Broken disabled since Sun Dec  6 19:00:00 2026 -\n\tPaused\nprinter PaperLoopFile now printing PaperLoopFile-9.  enabled since Sun Dec  6 19:01:02 2026\n';
    expect(parsePrinters(p, 'system default destination: Office\n')).toEqual([
      { name: 'Office', isDefault: true, enabled: true },
      { name: 'Broken', isDefault: false, enabled: false },
      { name: 'PaperLoopFile', isDefault: false, enabled: true },
    ]);
    expect(parsePrinters('', 'no system default destination\n')).toEqual([]);
  });
});

describe('without CUPS', () => {
  const empty = mkdtempSync(join(tmpdir(), 'no-cups-'));
  it('says the CUPS client is not installed when lpstat and lp are not on the PATH', async () => {
    await withEnv({ PATH: empty }, async () => {
      const listed = await listPrinters();
      expect(listed.ok ? null : listed.error.kind).toBe('not_installed');
      const sent = await sendToPrinter(pdfPath, { queue: FILE_QUEUE, copies: 1, duplex: false, paper: 'A4', title: 't' });
      expect(sent.ok ? null : sent.error.kind).toBe('not_installed');
    });
  });

  it.skipIf(!lpstatInstalled)('says the scheduler is not running when cupsd cannot be reached', async () => {
    await withEnv({ CUPS_SERVER: join(empty, 'no-cupsd.sock') }, async () => {
      const listed = await listPrinters();
      expect(listed.ok ? null : listed.error).toMatchObject({ kind: 'no_scheduler', detail: expect.stringMatching(/not running/) });
    });
  });
});

// Skips only where CUPS's client is not installed; .ci/run installs it, starts cupsd and adds the file queue.
describe.skipIf(!lpstatInstalled)('a real CUPS queue that writes to a file', () => {
  it('lists the file queue', async () => {
    const listed = await listPrinters();
    expect(listed.ok ? listed.value.find((p) => p.name === FILE_QUEUE) : listed.error).toEqual({ name: FILE_QUEUE, isDefault: expect.any(Boolean), enabled: true });
  });

  it('prints every copy, and asks the printer for both sides when duplex is on', async () => {
    const output = await printedThroughFileQueue(async () => {
      const sent = await sendToPrinter(pdfPath, { queue: FILE_QUEUE, copies: 2, duplex: true, paper: 'A4', title: 'two copies' });
      if (!sent.ok) throw new Error(sent.error.detail);
      expect(sent.value.requestId).toMatch(new RegExp(`^${FILE_QUEUE}-\\d+$`));
      return sent.value.requestId;
    });
    const { pjl, pdf } = splitPjl(output);
    // Two-sided, CUPS pads each 3-page copy with a blank page so the next copy starts on its own sheet.
    expect(pageCount(pdf)).toEqual({ pages: 8, width: 595 });
    expect(pjl).toMatch(/@PJL SET DUPLEX=ON/);
    expect(pjl).toMatch(/@PJL SET BINDING=LONGEDGE/);
  });

  it('prints one side on Letter paper when asked', async () => {
    const output = await printedThroughFileQueue(async () => {
      const sent = await sendToPrinter(pdfPath, { queue: FILE_QUEUE, copies: 1, duplex: false, paper: 'Letter', title: 'one copy' });
      if (!sent.ok) throw new Error(sent.error.detail);
      return sent.value.requestId;
    });
    const { pjl, pdf } = splitPjl(output);
    expect(pageCount(pdf)).toEqual({ pages: 3, width: 612 });
    expect(pjl).toMatch(/@PJL SET DUPLEX=OFF/);
  });

  it("passes lp's refusal on for a queue that does not exist, and never runs lp for a name that looks like an option", async () => {
    const missing = await sendToPrinter(pdfPath, { queue: 'NoSuchQueue', copies: 1, duplex: false, paper: 'A4', title: 't' });
    expect(missing.ok ? null : missing.error).toMatchObject({ kind: 'refused', detail: expect.stringMatching(/does not exist/) });
    const option = await sendToPrinter(pdfPath, { queue: '-oraw', copies: 1, duplex: false, paper: 'A4', title: 't' });
    expect(option.ok ? null : option.error).toMatchObject({ kind: 'refused', detail: expect.stringMatching(/not a print queue name/) });
  });
});
