import { createSaneDriver } from './sane/saneDriver';
import { createSaneTestConfig } from './sane/saneTestBackend';
const conf = await createSaneTestConfig();
const d = createSaneDriver({ saneConfigDir: conf.dir });
console.log(await d.listDevices());
const caps = await d.capabilities('sane:test:0');
console.log(JSON.stringify(caps));
console.log(await d.capabilities('sane:nope:1'));
const t0 = Date.now();
const b = await d.startBatch({ deviceId: 'sane:test:0', source: 'feeder', dpi: 75, mode: 'gray' });
if (!b.ok) throw new Error(JSON.stringify(b.error));
for (;;) { const s = await b.value.scanSheet(); if (!s.ok) { console.log(s.error); break; } console.log(s.value.index, s.value.front.bytes.length, s.value.front.mediaType); }
await b.value.endBatch(); await b.value.endBatch();
console.log(Date.now() - t0, 'ms');
const d2 = createSaneDriver({ saneConfigDir: conf.dir, extraArgs: ['--read-return-value', 'SANE_STATUS_JAMMED'] });
const b2 = await d2.startBatch({ deviceId: 'sane:test:0', source: 'feeder', dpi: 75, mode: 'gray' });
if (b2.ok) { console.log(await b2.value.scanSheet()); console.log(await b2.value.scanSheet()); }
console.log(await d.startBatch({ deviceId: 'sane:test:0', source: 'duplex', dpi: 75, mode: 'gray' }));
await conf.remove();
