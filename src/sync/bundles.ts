/** Item-bank bundles from the district: checked against the district's key, applied in one transaction or not at all. */
import { err, ok, type Result } from '../domain/result';
import { verifyText } from '../domain/syncCrypto';
import { BundlePayload, type SignedBundle } from '../domain/syncProtocol';
import type { StationWriter } from '../store';
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

/** Verifies every bundle first, then applies all of them, in version order, in one transaction. */
export function applyBundles(store: StationWriter, bundles: readonly SignedBundle[], district: DistrictInfo, currentVersion: number): Result<{ version: number; items: number; skills: number }, string> {
  const payloads: BundlePayload[] = [];
  for (const b of bundles) {
    const v = verifyBundle(b, district);
    if (!v.ok) return v;
    payloads.push(v.value);
  }
  payloads.sort((a, b) => a.version - b.version);
  const fresh = payloads.filter((p) => p.version > currentVersion);
  if (fresh.length === 0) return ok({ version: currentVersion, items: 0, skills: 0 });
  return ok(
    store.transaction(() => {
      let items = 0;
      let skills = 0;
      for (const p of fresh) {
        skills += store.importSkills(p.skills).upserted;
        const s = store.importItems(p.items);
        items += s.added + s.newVersions;
      }
      const version = fresh[fresh.length - 1]!.version;
      setBundleVersion(store, version);
      return { version, items, skills };
    }),
  );
}
