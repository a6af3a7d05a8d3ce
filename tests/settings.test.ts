import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StationSettings } from '../src/domain/settings';
import { keysAt } from '../src/domain/settingsKeys';
import { readSettings } from '../src/station/context';
import { stationDrivers } from '../src/station/devices';
import type { EsclDriver } from '../native-bridge/escl/esclDriver';
import { DEFAULT_ESCL_SETTINGS } from '../native-bridge/escl/esclSettings';
import type { HotFolderDriver } from '../native-bridge/hotFolder/hotFolderDriver';
import { DEFAULT_HOT_FOLDER_SETTINGS } from '../native-bridge/hotFolder/hotFolderSettings';
import type { SaneDriver } from '../native-bridge/sane/saneDriver';
import { DEFAULT_SANE_SETTINGS } from '../native-bridge/sane/saneSettings';
import { settingsDirs } from './support/settingsDir';

const root = new URL('..', import.meta.url);
const docFiles = ['README.md', ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const docs = docFiles.map((file) => ({ file, text: readFileSync(new URL(file, root), 'utf8') }));

const dataDirWith = settingsDirs('paperloop-settings-');

describe('settings.json is strict', () => {
  it('refuses a misspelt key, naming the file, the key and the nearest valid key', () => {
    const dir = dataDirWith({ stationId: 'SCH01', scanners: { hotFolder: [{ name: 'copier', path: '/srv/scans' }] } });
    const read = readSettings(dir);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error).toContain(join(dir, 'settings.json'));
    expect(read.error).toContain('unknown setting "scanners.hotFolder"');
    expect(read.error).toContain('did you mean "scanners.hotFolders"?');
  });

  it('refuses misspelt keys at every level: top, learning groups, caps and list entries', () => {
    const dir = dataDirWith({
      pagestyle: 'a4',
      learning: { mastery: { masterdP: 0.8 }, modulez: { review: false } },
      caps: { grades7to9: 90, grades3to5: 60 },
      scanners: { escl: [{ url: 'http://printer/eSCL', verifyImages: false }] },
    });
    const read = readSettings(dir);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error).toContain('unknown setting "pagestyle": did you mean "pageStyle"?');
    expect(read.error).toContain('unknown setting "learning.mastery.masterdP": did you mean "learning.mastery.masteredP"?');
    expect(read.error).toContain('unknown setting "learning.modulez": did you mean "learning.modules"?');
    expect(read.error).toContain('unknown setting "caps.grades3to5": did you mean "caps.grades3to6"?');
    expect(read.error).toContain('unknown setting "scanners.escl.0.verifyImages"');
  });

  it('lists the valid keys when no key is close', () => {
    const read = readSettings(dataDirWith({ scanners: { sane: { wholeNewThing: 1 } } }));
    expect(read.ok ? '' : read.error).toContain('valid settings here: scanimagePath, extraArgs, pageTimeoutMs, listTimeoutMs, optionsTimeoutMs');
  });

  it('passes the scanner settings to the drivers, leaving unset ones at the drivers\' defaults', () => {
    const read = readSettings(
      dataDirWith({
        scanners: {
          sane: { scanimagePath: '/opt/sane/bin/scanimage', extraArgs: ['--swdeskew=yes'], pageTimeoutMs: 5000 },
          escl: [{ url: 'http://printer/eSCL' }],
          esclOptions: { verifyImages: false },
          hotFolders: [{ name: 'copier', path: '/srv/scans' }],
          hotFolderOptions: { stableForMs: 3000, duplexPairing: 'across-files' },
        },
      }),
    );
    if (!read.ok) throw new Error(read.error);
    const drivers = new Map(stationDrivers(read.value).map((d) => [d.kind, d]));
    const sane = drivers.get('sane') as SaneDriver | undefined;
    if (sane) expect(sane.settings).toMatchObject({ scanimagePath: '/opt/sane/bin/scanimage', extraArgs: ['--swdeskew=yes'], pageTimeoutMs: 5000, listTimeoutMs: DEFAULT_SANE_SETTINGS.listTimeoutMs });
    expect((drivers.get('escl') as EsclDriver).settings).toMatchObject({ verifyImages: false, scanners: [{ url: 'http://printer/eSCL' }], pageTimeoutMs: DEFAULT_ESCL_SETTINGS.pageTimeoutMs });
    expect((drivers.get('hot-folder') as HotFolderDriver).settings).toMatchObject({
      stableForMs: 3000,
      duplexPairing: 'across-files',
      idleTimeoutMs: DEFAULT_HOT_FOLDER_SETTINGS.idleTimeoutMs,
      folders: [{ name: 'copier', path: '/srv/scans' }],
    });
  });
});

describe('the settings the docs name exist', () => {
  /** Code blocks that follow a `<!-- example: settings.json -->` line. */
  const examples = docs.flatMap(({ file, text }) =>
    [...text.matchAll(/<!-- example: settings\.json -->\r?\n```json\r?\n([\s\S]*?)```/g)].map((m) => ({ file, json: m[1] ?? '' })),
  );
  /** Dotted names in the first column of settings tables: rows like "| `scanners.sane.scanimagePath` |". */
  const tableKeys = docs.flatMap(({ file, text }) =>
    [...text.matchAll(/^\| `([a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)*)`(?: \/ `([a-z][A-Za-z0-9.]*)`)? \|/gm)].flatMap((m) => [m[1], m[2]].filter((k): k is string => !!k).map((key) => ({ file, key }))),
  );

  it('finds the examples and the settings tables', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(tableKeys.map((k) => k.key)).toEqual(expect.arrayContaining(['stationId', 'scanners.sane.scanimagePath', 'scanners.hotFolderOptions', 'network.port', 'network.inboxes']));
  });

  it('every settings.json example in the docs is accepted by the strict schema', () => {
    for (const { file, json } of examples) {
      const parsed = StationSettings.safeParse(JSON.parse(json));
      expect(parsed.success ? [] : parsed.error.issues.map((i) => `${file}: ${i.message} at ${i.path.join('.')}`)).toEqual([]);
    }
  });

  it('every key in a settings table is a key of the schema', () => {
    const settingsTables = tableKeys.filter(({ file, key }) => file === 'README.md' || key.startsWith('scanners.') || key.startsWith('network.'));
    const missing = settingsTables.filter(({ key }) => {
      const path = key.split('.');
      return !keysAt(StationSettings, path.slice(0, -1)).includes(path.at(-1) ?? '');
    });
    expect(missing).toEqual([]);
  });
});
