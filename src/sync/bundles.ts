/** Item-bank bundles from the district: checked against the district's key, applied in one transaction or not at all. */
import { err, ok, type Result } from '../domain/result';
import { verifyText } from '../domain/syncCrypto';
import { BundlePayload, type SignedBundle } from '../domain/syncProtocol';
import type { ItemParameters, SharedWorkbookSet } from '../domain/districtBank';
import type { StationReader, StationWriter } from '../store';
import { setBundleVersion, type DistrictInfo } from './state';

export function verifyBundle(bundle: SignedBundle, district: Pick<DistrictInfo, 'districtId' | 'publicKey'>): Result<BundlePayload, string> {
  if (!verifyText(district.publicKey, bundle.payload, bundle.signature))
    return err('a bundle failed its signature check (altered, or signed by another key); nothing was applied. Fix: sync again; if it repeats, tell the district admin.');
  let parsed;
  try {
    parsed = BundlePayload.safeParse(JSON.parse(bundle.payload));
  } catch {
    return err('a signed bundle is not JSON; nothing was applied');
  }
  if (!parsed.success) return err(`a signed bundle is malformed (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); nothing was applied`);
  if (parsed.data.districtId !== district.districtId)
    return err(`the bundle is from district ${parsed.data.districtId}, but this station belongs to ${district.districtId}; nothing was applied`);
  return ok(parsed.data);
}

export type BundleApplied = { version: number; items: number; skills: number; workbookSets: number; itemParameters: number };

class BundleRefused extends Error {}

const SHARED_SETS_KEY = 'district_workbook_sets';

/** The shared workbook sets the district sent (e.g. the weekend workbook), by id. */
export function sharedWorkbookSets(store: StationReader): Record<string, SharedWorkbookSet & { bundleVersion: number }> {
  const text = store.meta(SHARED_SETS_KEY);
  return text ? JSON.parse(text) : {};
}

/**
 * A calibrated difficulty goes in through importItems like any change: a new version of the item, so
 * responses already given keep the version (and difficulty) they were answered against.
 */
function applyParameters(store: StationWriter, parameters: readonly ItemParameters[]): number {
  let changed = 0;
  for (const p of parameters) {
    const current = store.item(p.itemId);
    if (!current || current.difficulty === p.difficulty) continue;
    const { version: _version, contentHash: _hash, ...content } = current;
    changed += store.importItems([{ ...content, difficulty: p.difficulty }]).newVersions;
  }
  return changed;
}

function applySets(store: StationWriter, sets: readonly SharedWorkbookSet[], bundleVersion: number): void {
  const all = sharedWorkbookSets(store);
  for (const set of sets) {
    const missing = set.itemIds.filter((id) => !store.item(id));
    if (missing.length) throw new BundleRefused(`bundle v${bundleVersion}: the workbook set "${set.id}" (${set.name}) uses item(s) this station does not have: ${missing.slice(0, 5).join(', ')}; nothing was applied. Fix (district): publish those items (paperloop district import-items, then publish).`);
    all[set.id] = { ...set, bundleVersion };
  }
  if (sets.length) store.setMeta(SHARED_SETS_KEY, JSON.stringify(all));
}

/**
 * Verifies every bundle first, then applies all of them, in version order, in one transaction: skills,
 * items, item parameters, shared workbook sets. A set that names an item the station lacks refuses them all.
 */
export function applyBundles(store: StationWriter, bundles: readonly SignedBundle[], district: DistrictInfo, currentVersion: number): Result<BundleApplied, string> {
  const payloads: BundlePayload[] = [];
  for (const b of bundles) {
    const v = verifyBundle(b, district);
    if (!v.ok) return v;
    payloads.push(v.value);
  }
  payloads.sort((a, b) => a.version - b.version);
  const fresh = payloads.filter((p) => p.version > currentVersion);
  if (fresh.length === 0) return ok({ version: currentVersion, items: 0, skills: 0, workbookSets: 0, itemParameters: 0 });
  try {
    return ok(
      store.transaction(() => {
        const applied: BundleApplied = { version: currentVersion, items: 0, skills: 0, workbookSets: 0, itemParameters: 0 };
        for (const p of fresh) {
          applied.skills += store.importSkills(p.skills).upserted;
          const s = store.importItems(p.items);
          applied.items += s.added + s.newVersions;
          applied.itemParameters += applyParameters(store, p.itemParameters);
          applySets(store, p.workbookSets, p.version);
          applied.workbookSets += p.workbookSets.length;
          applied.version = p.version;
        }
        setBundleVersion(store, applied.version);
        return applied;
      }),
    );
  } catch (e) {
    if (e instanceof BundleRefused) return err(e.message);
    throw e;
  }
}
