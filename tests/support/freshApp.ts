/**
 * The teacher's app on a FRESH station (an empty data folder: no classes, no items), served over HTTP with a
 * teacher token, and Debian's Chromium. The launch link signs a browser in as the local user (the admin);
 * `openTeacherPage` signs one in with the teacher token, as a colleague on another machine would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { initDataDir, openStation, type StationContext } from '../../src/station/context';
import { startHttp } from '../../src/station/http';
import { CHROMIUM, CHROMIUM_ARGS } from './app';

export const TEACHER_TOKEN = 'teacher-token-for-tests-0123456789';

export type FreshApp = {
  ctx: StationContext;
  dataDir: string;
  url: string;
  browser: Browser;
  openPage: (language?: 'en' | 'zh-Hans', hash?: string) => Promise<Page>;
  openTeacherPage: (hash?: string) => Promise<Page>;
  close: () => Promise<void>;
};

export async function openFreshApp(): Promise<FreshApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fresh-station-'));
  const made = initDataDir(dataDir);
  if (!made.ok) throw new Error(made.error);
  const opened = openStation(dataDir);
  if (!opened.ok) throw new Error(opened.error);
  const ctx = opened.value;
  const server = await startHttp(ctx, { port: 0, events: ctx.events, token: TEACHER_TOKEN });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const newPage = async (language: 'en' | 'zh-Hans') => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.addInitScript((lang) => localStorage.setItem('paperloop.language', lang), language);
    return context.newPage();
  };
  return {
    ctx, dataDir, url: server.url, browser,
    openPage: async (language = 'en', hash = '#/home') => {
      const page = await newPage(language);
      await page.goto(server.newLaunchUrl());
      await page.goto(`${server.url}/${hash}`);
      return page;
    },
    openTeacherPage: async (hash = '#/home') => {
      const page = await newPage('en');
      await page.goto(`${server.url}/${hash}`);
      const signedIn = await page.evaluate(async (token) => (await fetch('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })).status, TEACHER_TOKEN);
      if (signedIn !== 200) throw new Error(`signing in with the teacher token: HTTP ${signedIn}`);
      await page.reload();
      return page;
    },
    close: async () => {
      await browser.close();
      await server.app.close();
    },
  };
}
