import { rmSync } from 'node:fs';
import type { StationContext } from '../../src/station/context';

/** Closes a test station and removes its folder (database, images, out/). */
export function removeStation(ctx: StationContext & { dir: string }): void {
  ctx.db.close();
  rmSync(ctx.dir, { recursive: true, force: true });
}
