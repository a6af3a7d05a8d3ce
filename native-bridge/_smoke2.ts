import { createEsclDriver } from './escl/esclDriver';
import { startFakeEsclServer } from './escl/fakeEsclServer';
const s = await startFakeEsclServer({ sheets: 3 });
const d = createEsclDriver({ scanners: [{ url: s.url }], nextDocumentDelayMs: 5 });
const devs = await d.listDevices(); console.log(devs);
const id = devs[0]!.id;
console.log(JSON.stringify(await d.capabilities(id)));
for (const source of ['feeder', 'duplex', 'flatbed'] as const) {
  s.update({ sheets: 3 });
  const b = await d.startBatch({ deviceId: id, source, dpi: 75, mode: 'gray' });
  if (!b.ok) { console.log(b.error); continue; }
  for (;;) { const r = await b.value.scanSheet(); if (!r.ok) { console.log(source, r.error); break; } console.log(source, r.value.index, r.value.front.bytes.length, r.value.back?.bytes.length); }
  await b.value.endBatch();
}
console.log(s.log.requests.slice(-8), s.log.chunkedBodies, JSON.stringify(s.log.settingsBodies[0]!.slice(0, 120)));
await s.close();
