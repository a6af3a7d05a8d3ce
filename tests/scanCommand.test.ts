/**
 * `paperloop scan` and `paperloop devices` as a teacher runs them, against the fake AirSane over
 * real HTTP: a scan that started no job fails with the reason and the fix; a configured scanner
 * that does not answer is listed as such; a missing duplex unit points to the simplex feeder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeEsclServer, type FakeEsclScript, type FakeEsclServer } from '../native-bridge/escl/fakeEsclServer';
import { REPO_ROOT } from '../src/station/context';

const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');
const temps: string[] = [];
const servers: FakeEsclServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function station(escl: string[]): string {
  const data = mkdtempSync(join(tmpdir(), 'pl-scancmd-'));
  temps.push(data);
  const init = spawnSync(process.execPath, [BIN, 'init'], { env: { ...process.env, PAPERLOOP_DATA: data }, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const path = join(data, 'settings.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), scanners: { escl: escl.map((url) => ({ url })) } }));
  return data;
}

/** Runs the CLI without blocking this process (the fake server answers from here). */
function paperloop(data: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, PAPERLOOP_DATA: data }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A fake AirSane with a simplex feeder. */
async function scanner(script: Partial<FakeEsclScript>): Promise<FakeEsclServer> {
  const server = await startFakeEsclServer({ duplex: false, ...script });
  servers.push(server);
  return server;
}

/** A loopback port nothing listens on: a scanner that is switched off. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('paperloop scan exits non-zero when no job started', () => {
  it('an empty feeder: exit 1, FeederEmpty and the fix', async () => {
    const server = await scanner({ sheets: 0 });
    const data = station([server.url]);
    const r = await paperloop(data, 'scan', '--device', `escl:${server.url}`, '--source', 'feeder', '--dpi', '75');
    expect(r.code, r.out).toBe(1);
    expect(r.err).toMatch(/no page was scanned\. FeederEmpty: The feeder is empty.*Fix: put the stack in the feeder/);
  }, 60_000);

  it('a scanner busy with another job: exit 1, Busy', async () => {
    const server = await scanner({ sheets: 3 });
    // another client's job waits for its first page; the scanner itself still says Idle
    await fetch(`${server.url}/ScanJobs`, { method: 'POST', body: '<scan:ScanSettings xmlns:scan="s" xmlns:pwg="p"><pwg:InputSource>Feeder</pwg:InputSource></scan:ScanSettings>' });
    const data = station([server.url]);
    const r = await paperloop(data, 'scan', '--device', `escl:${server.url}`, '--source', 'feeder', '--dpi', '75');
    expect(r.code, r.out).toBe(1);
    expect(r.err).toMatch(/no page was scanned\. Busy: The scanner is busy with another job/);
  }, 60_000);

  it('a resolution the scanner does not offer: exit 1, Unsupported', async () => {
    const server = await scanner({ sheets: 3 });
    const data = station([server.url]);
    const r = await paperloop(data, 'scan', '--device', `escl:${server.url}`, '--source', 'feeder', '--dpi', '123');
    expect(r.code, r.out).toBe(1);
    expect(r.err).toMatch(/Unsupported: .*123 dpi/);
    expect(server.log.jobsCreated).toBe(0);
  }, 60_000);

  it('duplex on a simplex feeder: the fix is the simplex feeder, not the flatbed', async () => {
    const server = await scanner({ sheets: 3 });
    const data = station([server.url]);
    const r = await paperloop(data, 'scan', '--device', `escl:${server.url}`, '--source', 'duplex', '--dpi', '75');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot scan both sides.*Fix: use --source feeder/);
    expect(r.err).not.toMatch(/--source flatbed/);
  }, 60_000);
});

describe('paperloop devices', () => {
  it('lists a configured eSCL scanner that does not answer, and says so', async () => {
    const live = await scanner({ sheets: 1 });
    const silent = `http://127.0.0.1:${await deadPort()}/eSCL`;
    const data = station([live.url, silent]);
    const json = await paperloop(data, 'devices', '--json');
    expect(json.code, json.err).toBe(0);
    const devices = (JSON.parse(json.out) as { devices: { id: string; notAnswering?: string }[] }).devices.filter((d) => d.id.startsWith('escl:'));
    expect(devices).toEqual([
      { id: `escl:${live.url}`, vendor: 'PaperLoop', model: 'FakeScan 3000', kind: 'escl' },
      { id: `escl:${silent}`, vendor: 'eSCL', model: silent, kind: 'escl', notAnswering: expect.stringMatching(/Cannot reach the scanner/) },
    ]);
    const human = await paperloop(data, 'devices');
    expect(human.out).toMatch(new RegExp(`escl:${silent.replace(/[/.:]/g, '\\$&')}  NOT ANSWERING: Cannot reach the scanner.*Fix: switch the scanner on`));
  }, 60_000);
});
