import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../src/station/cli';

/** What the program itself says: every command path, from `--help` of the program and of each command. */
type CommandHelp = { path: string; flags: string[] };

const sectionLines = (help: string, name: string) => (help.split(`\n${name}:\n`)[1] ?? '').split('\n\n')[0]?.split('\n') ?? [];
/** Flags of an Options section: the terms at the start of its lines (descriptions may mention other flags). */
const flagsIn = (help: string) =>
  sectionLines(help, 'Options')
    .map((line) => /^ {2}(?:-\w, )?(--[a-z][a-z0-9-]*)/.exec(line)?.[1])
    .filter((flag): flag is string => flag !== undefined && flag !== '--help');

async function helpOf(path: string[]): Promise<string> {
  const lines: string[] = [];
  const code = await main(['node', 'paperloop', ...path, '--help'], { out: (s) => lines.push(s), err: (s) => lines.push(s) });
  if (code !== 0) throw new Error(`paperloop ${path.join(' ')} --help exited ${code}: ${lines.join('\n')}`);
  return lines.join('\n');
}

async function walk(path: string[] = []): Promise<CommandHelp[]> {
  const help = await helpOf(path);
  if (!help.startsWith(`Usage: ${['paperloop', ...path].join(' ')} `)) throw new Error(`not the help of "paperloop ${path.join(' ')}":\n${help}`);
  /** Command terms start two spaces in; wrapped descriptions are indented further. */
  const subcommands = sectionLines(help, 'Commands')
    .map((line) => /^ {2}([a-z][a-z-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
  const below = [];
  for (const name of subcommands) below.push(...(await walk([...path, name])));
  return [{ path: path.join(' '), flags: flagsIn(help) }, ...below];
}

const root = new URL('..', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const cliDoc = read('docs/cli.md');
const allDocs = ['README.md', ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)].map((file) => ({ file, text: read(file) }));

/** The part of docs/cli.md under "## paperloop <path>", up to the next heading of that level. */
function docSection(path: string): string | undefined {
  const start = cliDoc.indexOf(`\n## paperloop ${path}\n`);
  if (start < 0) return undefined;
  const next = cliDoc.indexOf('\n## ', start + 1);
  return cliDoc.slice(start, next < 0 ? undefined : next);
}

const mentions = (text: string, flag: string) => new RegExp(`${flag}(?![a-z0-9-])`).test(text);

describe('the docs match the CLI', async () => {
  const commands = await walk();
  const byPath = new Map(commands.map((c) => [c.path, c]));
  const globalFlags = byPath.get('')?.flags ?? [];

  it('finds the commands and their flags', () => {
    expect(globalFlags).toEqual(['--data']);
    expect(byPath.get('ingest')?.flags).toContain('--threads');
    expect(byPath.get('import items')?.flags).toContain('--language');
    expect(commands.length).toBeGreaterThan(20);
  });

  it('docs/cli.md has a section for every command, naming each of its flags', () => {
    const missing = commands
      .filter((c) => c.path !== '')
      .flatMap((c) => {
        const section = docSection(c.path);
        if (section === undefined) return [`no "## paperloop ${c.path}" section`];
        return c.flags.filter((flag) => !mentions(section, flag)).map((flag) => `paperloop ${c.path} ${flag}`);
      });
    expect(missing).toEqual([]);
  });

  it('docs/cli.md documents no command or flag the program does not have', () => {
    const documented = [...cliDoc.matchAll(/^## paperloop (.+)$/gm)].map((m) => m[1] ?? '');
    expect(documented.filter((path) => !byPath.has(path))).toEqual([]);
    const stale = documented.flatMap((path) => {
      const known = new Set([...(byPath.get(path)?.flags ?? []), ...globalFlags, '--help']);
      const inTable = [...(docSection(path) ?? '').matchAll(/^\| `(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1] ?? '');
      return inTable.filter((flag) => !known.has(flag)).map((flag) => `paperloop ${path} ${flag}`);
    });
    expect(stale).toEqual([]);
  });

  it('every `paperloop <command> --flag` line in README.md and docs/ uses a flag that command has', () => {
    const paths = [...byPath.keys()].filter((p) => p !== '').sort((a, b) => b.length - a.length);
    const wrong = allDocs.flatMap(({ file, text }) =>
      [...text.matchAll(/paperloop ([a-z][a-z-]*(?: [a-z][a-z-]*)?)([^\n`|]*)/g)].flatMap((m) => {
        const line = `${m[1]}${m[2]}`;
        const path = paths.find((p) => line === p || line.startsWith(`${p} `));
        if (path === undefined) return [];
        const known = new Set([...(byPath.get(path)?.flags ?? []), ...globalFlags, '--help']);
        const used = [...(m[2] ?? '').matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*)/g)].map((f) => f[1] ?? '');
        return used.filter((flag) => !known.has(flag)).map((flag) => `${file}: paperloop ${path} … ${flag}`);
      }),
    );
    expect(wrong).toEqual([]);
  });
});
