/** `paperloop district …`: the district server and its admin commands (dispatched by bin/paperloop.mjs). */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ItemParameters, SharedWorkbookSet } from '../domain/districtBank';
import { formatIssue } from '../domain/import/issues';
import { ItemInput, Tier } from '../domain/item';
import { Skill } from '../domain/skills';
import { publishBundle, PublishRefused } from './bundles';
import { bankSize, importBankItems } from './itemBank';
import { readBankSources } from './itemSources';
import { defaultDistrictDir, openDistrict, type OpenDistrict } from './open';
import { checkDistrictTokens, DistrictPeople, TOKEN_ENV } from './roles';
import { createDistrictServer } from './server';
import { approveStation, forgetStation, revokeStation } from './stations';
import { importDrive } from './usbImport';

type IO = { out: (s: string) => void; err: (s: string) => void };
class Failure extends Error {}

async function withDistrict<T>(cmd: Command, work: (d: OpenDistrict) => Promise<T>): Promise<T> {
  const o = cmd.optsWithGlobals() as { dir?: string; districtId?: string };
  const opened = await openDistrict(o.dir ?? defaultDistrictDir(), o.districtId);
  if (!opened.ok) throw new Failure(opened.error);
  try {
    return await work(opened.value);
  } finally {
    await opened.value.close();
  }
}

function readJsonList<T>(path: string, key: string, schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }): T[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Failure(`${path}: cannot read it as JSON (${(e as Error).message})`);
  }
  const list = (json as Record<string, unknown>)?.[key];
  if (!Array.isArray(list)) throw new Failure(`${path}: expected a "${key}" list`);
  return list.map((v, i) => {
    const p = schema.safeParse(v);
    if (!p.success) throw new Failure(`${path}: ${key}[${i}].${p.error.issues[0]?.path.join('.')}: ${p.error.issues[0]?.message}`);
    return p.data;
  });
}

function buildProgram(io: IO): Command {
  const program = new Command('paperloop').exitOverride();
  program.configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const district = program
    .command('district')
    .description('the district server: receives results from stations, sends item banks down (see docs/sync.md)')
    .addOption(new Option('--dir <folder>', 'district data folder (the embedded PostgreSQL lives here unless DATABASE_URL is set)').env('PAPERLOOP_DISTRICT_DATA'))
    .option('--district-id <id>', 'the district\'s id, set on first start (default: a random one)');

  district
    .command('serve')
    .description('run the district server (HTTP) until stopped')
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .option('--port <n>', 'port', Number, 8470)
    .addOption(new Option('--viewer-token <token>', 'token of read-only viewers (the views)').env(TOKEN_ENV.viewer))
    .addOption(new Option('--research-token <token>', 'token of teaching-research staff (views, item-bank uploads)').env(TOKEN_ENV.research))
    .addOption(new Option('--admin-token <token>', 'token of district admins (everything, approve and revoke too)').env(TOKEN_ENV.admin))
    .action(async (o: { host: string; port: number; viewerToken?: string; researchToken?: string; adminToken?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals() as { dir?: string; districtId?: string };
      const tokens = { viewer: o.viewerToken, research: o.researchToken, admin: o.adminToken };
      const checked = checkDistrictTokens(tokens);
      if (!checked.ok) throw new Failure(checked.error);
      const opened = await openDistrict(opts.dir ?? defaultDistrictDir(), opts.districtId);
      if (!opened.ok) throw new Failure(opened.error);
      const d = opened.value;
      const people = tokens.viewer || tokens.research || tokens.admin ? new DistrictPeople(tokens) : undefined;
      const app = createDistrictServer({ pool: d.pool, identity: d.identity, ...(people ? { people } : {}) });
      const address = await app.listen({ host: o.host, port: o.port });
      io.out(`district ${d.identity.districtId} serving on ${address} (database: ${d.database}). Stop with Ctrl+C.`);
      io.out(people ? `views: ${address}/views (sign in with a district token)` : 'views: closed (no district token set: see --viewer-token, --research-token, --admin-token)');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop).once('SIGTERM', stop);
      });
      await app.close();
      await d.close();
    });

  district
    .command('approve')
    .description('approve the station showing this one-time code')
    .argument('<code>', 'the code "paperloop sync enrol" showed at the station')
    .action((code: string, _o: unknown, cmd: Command) =>
      withDistrict(cmd, async (d) => {
        const r = await approveStation(d.pool, code);
        if (!r.ok) throw new Failure(r.error);
        io.out(`approved station ${r.value}; it can sync now.`);
      }),
    );

  district
    .command('revoke')
    .description('revoke a station: every request it signs is refused from now on')
    .argument('<station>', 'the station id')
    .action((stationId: string, _o: unknown, cmd: Command) =>
      withDistrict(cmd, async (d) => {
        const r = await revokeStation(d.pool, stationId);
        if (!r.ok) throw new Failure(r.error);
        io.out(`revoked station ${stationId}.`);
      }),
    );

  district
    .command('forget')
    .description('free a station id held by a pending enrolment, or by a revoked station that never sent data')
    .argument('<station>', 'the station id')
    .action((stationId: string, _o: unknown, cmd: Command) =>
      withDistrict(cmd, async (d) => {
        const r = await forgetStation(d.pool, stationId);
        if (!r.ok) throw new Failure(r.error);
        io.out(`forgot station ${stationId}; a station may enrol under this id again.`);
      }),
    );

  district
    .command('import')
    .description('ingest the chunks stations wrote to a USB drive and write each station\'s signed reply to it')
    .argument('<dir>', 'the drive (or the folder "paperloop sync export --to" was given)')
    .action((dir: string, _o: unknown, cmd: Command) =>
      withDistrict(cmd, async (d) => {
        const r = await importDrive(d.pool, d.identity, dir);
        if (!r.ok) throw new Failure(r.error);
        for (const s of r.value) io.out(`${s.stationId}: ${s.chunks} chunk(s), ${s.accepted} new entries, high-water mark ${s.highWater}${s.error ? `; stopped: ${s.error}` : ''}`);
        if (r.value.some((s) => s.error)) throw new Failure('some chunks were not imported (see above); the rest were.');
      }),
    );

  district
    .command('import-items')
    .description('add QTI items to the district bank: IMS content packages (.zip), folders of QTI items, QTI .xml files; all or nothing')
    .argument('<paths...>', 'packages, folders or QTI item files')
    .requiredOption('--subject <s>', 'subject of the items')
    .requiredOption('--grade <n>', 'grade of the items', Number)
    .requiredOption('--skills <ids>', 'comma-separated skill ids')
    .option('--tier <t>', 'basic | core | stretch', 'core')
    .option('--minutes <n>', 'estimated minutes per item', Number, 1.5)
    .option('--language <code>', 'language of the texts when an item has no xml:lang', 'en')
    .action((paths: string[], o: { subject: string; grade: number; skills: string; tier: string; minutes: number; language: string }, cmd: Command) =>
      withDistrict(cmd, async (d) => {
        const tier = Tier.safeParse(o.tier);
        if (!tier.success) throw new Failure(`--tier ${o.tier}: use basic, core or stretch`);
        const read = await readBankSources(paths, { subject: o.subject, grade: o.grade, skills: o.skills.split(','), tier: tier.data, minutes: o.minutes, language: o.language });
        if (!read.ok) throw new Failure(`import-items: ${read.error.length} problem(s), nothing was imported.\n${read.error.map(formatIssue).join('\n')}`);
        const s = await importBankItems(d.pool, read.value, paths.join(', '));
        io.out(`bank: ${s.added} added, ${s.newVersions} new versions, ${s.unchanged} unchanged. "paperloop district publish" sends them to the stations.`);
      }),
    );

  district
    .command('publish')
    .description('publish a new signed bundle: the bank items no bundle has carried yet, plus the files given')
    .option('--items <file>', 'a paperloop.items/1 JSON file')
    .option('--skills <file>', 'a paperloop.skills/1 JSON file')
    .option('--workbook-sets <file>', 'a paperloop.workbook-sets/1 JSON file (shared workbooks, e.g. the weekend workbook)')
    .option('--parameters <file>', 'a paperloop.item-parameters/1 JSON file (calibrated item difficulties)')
    .action((o: { items?: string; skills?: string; workbookSets?: string; parameters?: string }, cmd: Command) =>
      withDistrict(cmd, async (d) => {
        const items = o.items ? readJsonList(o.items, 'items', ItemInput) : [];
        const skills = o.skills ? readJsonList(o.skills, 'skills', Skill) : [];
        const workbookSets = o.workbookSets ? readJsonList(o.workbookSets, 'sets', SharedWorkbookSet) : [];
        const itemParameters = o.parameters ? readJsonList(o.parameters, 'parameters', ItemParameters) : [];
        const bank = await bankSize(d.pool);
        if (bank.unpublished + items.length + skills.length + workbookSets.length + itemParameters.length === 0)
          throw new Failure('nothing to publish: the bank has no new items and no file was given. Fix: "paperloop district import-items", or pass --items, --skills, --workbook-sets or --parameters.');
        const version = await publishBundle(d.pool, d.identity, { items, skills, workbookSets, itemParameters }).catch((e: unknown) => {
          throw e instanceof PublishRefused ? new Failure(e.message) : e;
        });
        io.out(`published bundle v${version}: ${bank.unpublished} bank item(s), ${items.length} item(s) from the file, ${skills.length} skill(s), ${workbookSets.length} workbook set(s), ${itemParameters.length} item parameter(s). Stations get it on their next sync.`);
      }),
    );
  return program;
}

export async function main(argv: string[], io: IO = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') }): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof Failure) {
      io.err(`paperloop: ${e.message}`);
      return 1;
    }
    io.err(`paperloop: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return 70;
  }
}
