/**
 * The teacher's app under test: a station on a copy of the demo data, served over HTTP, and Debian's Chromium
 * (playwright-core) signed in through the launch link. Everything is real: SQLite, the handler map, the built app.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openStation, type StationContext } from '../../src/station/context';
import { DEMO_STEPS, runDemo } from '../../src/station/demo';
import { startHttp } from '../../src/station/http';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** imported: the demo school's roster, skills and items only. looped: the whole demo loop (printed, scanned, graded, tomorrow composed). */
export type DemoStage = 'imported' | 'looped';
const quiet = { out: () => undefined, err: () => undefined };

/** A demo data folder made once per test run (all test files share it) and copied for each test. */
async function demoTemplate(stage: DemoStage): Promise<string> {
  const dir = join(tmpdir(), `demo-template-${stage}`);
  const done = join(dir, '.complete');
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(done)) return dir;
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!existsSync(done)) {
      rmSync(dir, { recursive: true, force: true });
      await runDemo(dir, quiet, stage === 'imported' ? DEMO_STEPS.slice(0, 1) : DEMO_STEPS);
      writeFileSync(done, '');
    }
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export type AppUnderTest = {
  ctx: StationContext;
  dataDir: string;
  url: string;
  browser: Browser;
  /** A new page signed in (each launch link signs one browser context in), in the given app language. */
  openPage: (language?: 'en' | 'zh-Hans', hash?: string) => Promise<Page>;
  close: () => Promise<void>;
};

export async function openApp(stage: DemoStage = 'looped'): Promise<AppUnderTest> {
  const template = await demoTemplate(stage);
  const dataDir = join(tmpdir(), `app-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  cpSync(template, dataDir, { recursive: true });
  rmSync(join(dataDir, '.complete'), { force: true });
  const opened = openStation(dataDir);
  if (!opened.ok) throw new Error(opened.error);
  const ctx = opened.value;
  const server = await startHttp(ctx, { port: 0, events: ctx.events });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const openPage = async (language: 'en' | 'zh-Hans' = 'en', hash = '#/home') => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.addInitScript((lang) => localStorage.setItem('paperloop.language', lang), language);
    const page = await context.newPage();
    await page.goto(server.newLaunchUrl());
    if (hash) await page.goto(`${server.url}/${hash}`);
    return page;
  };
  return {
    ctx, dataDir, url: server.url, browser, openPage,
    close: async () => {
      await browser.close();
      await server.app.close();
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A/AA rules). */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
