/**
 * GET /crop/<responseId> looks up the one review it serves by id (ScanRepository.openReview), never by reading the
 * whole open queue, and keeps its checks: a session, an open review, an image inside the data folder.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { invoke } from '../../src/station/invoke';
import { startHttp } from '../../src/station/http';
import { seedReview } from '../support/review';
import { tempStation } from '../support/station';

const TOKEN = 'crop-lookup-test-token-0123456789';

describe('GET /crop by response id (real store, real HTTP server)', () => {
  const ctx = tempStation();
  const ids: number[] = [];
  let server: Awaited<ReturnType<typeof startHttp>>;
  const get = (path: string, auth = true) => fetch(`${server.url}${path}`, auth ? { headers: { authorization: `Bearer ${TOKEN}` } } : {});
  beforeAll(async () => {
    for (const shade of [250, 240, 230]) ids.push((await seedReview(ctx, shade)).responseId);
    server = await startHttp(ctx, { token: TOKEN });
  });
  afterAll(async () => {
    await server?.app.close();
    ctx.db.close();
  });

  it('serves an open review crop without reading the whole queue', async () => {
    const wholeQueue = vi.spyOn(ctx.store.scans, 'openReviews');
    try {
      const res = await get(`/crop/${ids[1]}?context=1`);
      expect(res.status).toBe(200);
      expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).format).toBe('png');
      expect(wholeQueue).not.toHaveBeenCalled();
    } finally {
      wholeQueue.mockRestore();
    }
  });

  it('still needs a session, and serves open reviews only', async () => {
    expect((await get(`/crop/${ids[0]}`, false)).status).toBe(401);
    expect((await invoke(ctx, 'resolveGroup', { responseIds: [ids[0]!], answer: 'B' })).ok).toBe(true);
    expect((await get(`/crop/${ids[0]}`)).status).toBe(404);
    expect((await get(`/crop/${ids[2]}`)).status).toBe(200);
    expect((await get('/crop/999999')).status).toBe(404);
    expect((await get('/crop/not-a-number')).status).toBe(404);
  });
});
