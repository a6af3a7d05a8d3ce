/**
 * The Electron shell without the Electron binary (it cannot be downloaded here): the window options and guards in
 * electron/windowOptions.cjs, the surface the preload exposes (run as a sandboxed preload runs, with a stand-in for
 * contextBridge, the API boundary), how main.cjs wires them, and what electron-builder.yml packages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/station/context';

const require = createRequire(import.meta.url);
type Guards = {
  CONTENT_SECURITY_POLICY: string;
  PRINT_CHANNEL: string;
  windowOptions: (o: { preload: string; appVersion: string }) => { webPreferences: Record<string, unknown> };
  isStationUrl: (url: string, origin: string) => boolean;
  blockForeignNavigation: (origin: string) => (event: { preventDefault: () => void }, url: string) => void;
  denyNewWindows: (details: { url: string }) => { action: string };
  denyPermissionRequest: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void;
  denyPermissionCheck: () => boolean;
  addContentSecurityPolicy: (details: { responseHeaders: Record<string, string[]> }, callback: (r: { responseHeaders: Record<string, string[]> }) => void) => void;
  printHandler: (origin: string) => (event: { senderFrame: { url: string }; sender: { print: (o: object, cb: (ok: boolean, reason: string) => void) => void } }) => Promise<{ printed: boolean; reason: string | null }>;
};
const guards = require(join(REPO_ROOT, 'electron', 'windowOptions.cjs')) as Guards;
const STATION = 'http://127.0.0.1:41234';

describe('the Electron window', () => {
  it('is isolated, sandboxed, without Node, with web security on and the preload as its only bridge', () => {
    const prefs = guards.windowOptions({ preload: '/app/electron/preload.cjs', appVersion: '1.2.3' }).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/electron/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false,
    });
    expect(prefs.additionalArguments).toEqual(['--paperloop-version=1.2.3']);
  });

  it('has a strict Content-Security-Policy: only the station, nothing inline or evaluated, no plugins, no framing', () => {
    const directives = new Map(guards.CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    for (const values of directives.values()) expect(values.filter((v) => /unsafe|^\*$|^https?:$|^http/.test(v))).toEqual([]);
    let headers: Record<string, string[]> = {};
    guards.addContentSecurityPolicy({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [guards.CONTENT_SECURITY_POLICY] });
  });

  it('stays on the station: navigation elsewhere is prevented, new windows and permissions are denied', () => {
    const navigate = guards.blockForeignNavigation(STATION);
    const prevented = (url: string) => {
      let was = false;
      navigate({ preventDefault: () => void (was = true) }, url);
      return was;
    };
    expect(prevented(`${STATION}/#/settings`)).toBe(false);
    expect(prevented(`${STATION}/launch?code=abc`)).toBe(false);
    for (const url of ['https://example.com/', 'http://127.0.0.1:41235/', 'http://localhost:41234/', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url'])
      expect(prevented(url), url).toBe(true);
    expect(guards.denyNewWindows({ url: `${STATION}/` })).toEqual({ action: 'deny' });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      let granted: boolean | null = null;
      guards.denyPermissionRequest(null, permission, (g) => (granted = g));
      expect(granted, permission).toBe(false);
    }
    expect(guards.denyPermissionCheck()).toBe(false);
  });

  it('prints through the system dialog (not silently), and only for the station page', async () => {
    const printed: object[] = [];
    const sender = { print: (o: object, cb: (ok: boolean, reason: string) => void) => (printed.push(o), cb(false, 'cancelled')) };
    const print = guards.printHandler(STATION);
    expect(await print({ senderFrame: { url: `${STATION}/#/print` }, sender })).toEqual({ printed: false, reason: 'cancelled' });
    expect(printed).toEqual([{ silent: false, printBackground: true }]);
    expect(await print({ senderFrame: { url: 'https://example.com/' }, sender })).toEqual({ printed: false, reason: 'not the station' });
    expect(printed).toHaveLength(1);
  });
});

describe('the preload', () => {
  /** Runs electron/preload.cjs as a sandboxed preload runs: it may require only 'electron'. */
  function runPreload(argv: string[]) {
    const exposed = new Map<string, unknown>();
    const invoked: unknown[][] = [];
    const required: string[] = [];
    const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) };
    const ipcRenderer = { invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve({ printed: true, reason: null })) };
    runInNewContext(readFileSync(join(REPO_ROOT, 'electron', 'preload.cjs'), 'utf8'), {
      require: (name: string) => {
        required.push(name);
        if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
        return { contextBridge, ipcRenderer };
      },
      process: { argv },
    });
    return { exposed, invoked, required };
  }

  it('exposes one frozen object with print(), appVersion and the shell name — no ipcRenderer, no Node', async () => {
    const { exposed, invoked, required } = runPreload(['/opt/PaperLoop/paperloop', '--paperloop-version=0.1.0']);
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['paperloop']);
    const api = exposed.get('paperloop') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['appVersion', 'print', 'shell']);
    expect(Object.isFrozen(api)).toBe(true);
    expect(api.appVersion).toBe('0.1.0');
    expect(api.shell).toBe('electron');
    await (api.print as (...a: unknown[]) => Promise<unknown>)('ignored', { silent: true });
    expect(invoked).toEqual([[guards.PRINT_CHANNEL]]);
  });
});

describe('main.cjs', () => {
  const main = readFileSync(join(REPO_ROOT, 'electron', 'main.cjs'), 'utf8');
  it('starts the station in a utility process and builds the window from the tested options and guards', () => {
    expect(main).toMatch(/utilityProcess\.fork\([^)]*paperloop\.mjs/);
    expect(main).toMatch(/new BrowserWindow\(windowOptions\(/);
    expect(main).toMatch(/secureWindow\(\{ win, session: session\.defaultSession, ipcMain, stationUrl: launchUrl \}\)/);
    expect(main).toMatch(/setWindowOpenHandler\(denyNewWindows\)/);
    // No window option is set anywhere but windowOptions.cjs.
    expect(main).not.toMatch(/webPreferences|nodeIntegration|contextIsolation|sandbox:/);
  });
});

/** A structural reading of the small YAML subset electron-builder.yml uses: "key:", "key: value" and "- item" lines. */
function readBuilderYaml(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const stack: { indent: number; node: Record<string, unknown> }[] = [{ indent: -1, node: root }];
  let lastKey: { node: Record<string, unknown>; key: string; indent: number } | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, '');
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    const item = /^\s*-\s+(.*)$/.exec(line);
    if (item && lastKey) {
      const list = (lastKey.node[lastKey.key] = Array.isArray(lastKey.node[lastKey.key]) ? lastKey.node[lastKey.key] : []) as string[];
      list.push(item[1]!.replace(/^"(.*)"$/, '$1'));
      continue;
    }
    const pair = /^\s*([\w-]+):\s*(.*)$/.exec(line);
    if (!pair) throw new Error(`unexpected line: ${raw}`);
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.node;
    const [, key, value] = pair as unknown as [string, string, string];
    if (value === '') {
      parent[key] = {};
      stack.push({ indent, node: parent[key] as Record<string, unknown> });
    } else parent[key] = value;
    lastKey = { node: parent, key, indent };
  }
  return root;
}

describe('electron-builder.yml', () => {
  const config = readBuilderYaml(readFileSync(join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as {
    files: string[]; asarUnpack: string[]; extraMetadata: { main: string }; linux: { target: string[] }; win: { target: string[] };
  };

  it('builds Linux AppImage and deb, and a Windows NSIS installer, from electron/main.cjs', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.extraMetadata.main).toBe('electron/main.cjs');
  });

  it('packages the built app and CLI, and unpacks native modules, wasm and OCR data from the asar archive', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/ui/**', 'dist/cli/**', 'electron/**', 'bin/**', 'templates/**']));
    for (const module of ['better-sqlite3', 'sharp', 'usb', 'mupdf', 'tesseract.js-core', '@tesseract.js-data', 'zxing-wasm'])
      expect(config.asarUnpack, module).toContain(`node_modules/${module}/**`);
    // Each unpacked module is one the station really loads.
    for (const pattern of config.asarUnpack.filter((p) => p.startsWith('node_modules/'))) {
      const name = pattern.replace(/^node_modules\//, '').replace(/\/\*\*$/, '');
      expect(existsSync(join(REPO_ROOT, 'node_modules', name)), name).toBe(true);
    }
  });

  it('main.cjs is the package main that npm start and the installer run', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; optionalDependencies: Record<string, string> };
    expect(pkg.main).toBe('electron/main.cjs');
    expect(pkg.optionalDependencies.electron).toBeDefined();
  });
});
