import { describe, expect, it } from 'vitest';
import { createImage } from './image';
import { lazyOcrEngine, type OcrEngine } from './ocr';

describe('lazyOcrEngine', () => {
  const counting = () => {
    const calls = { created: 0, recognized: 0, terminated: 0 };
    const engine: OcrEngine = {
      recognize: async () => {
        calls.recognized++;
        return { text: '7', confidence: 90 };
      },
      terminate: async () => {
        calls.terminated++;
      },
    };
    return { calls, create: async () => (calls.created++, engine) };
  };

  it('starts the engine on the first recognition only, once, and not at all for pages without ink', async () => {
    const { calls, create } = counting();
    const lazy = lazyOcrEngine(create);
    expect(calls.created).toBe(0);
    const img = createImage(8, 8);
    const [a, b] = await Promise.all([lazy.recognize(img, { psm: '10', whitelist: '' }), lazy.recognize(img, { psm: '10', whitelist: '' })]);
    expect([a.text, b.text]).toEqual(['7', '7']);
    expect(calls).toEqual({ created: 1, recognized: 2, terminated: 0 });
    await lazy.terminate();
    expect(calls.terminated).toBe(1);
  });

  it('terminating an engine never started starts nothing', async () => {
    const { calls, create } = counting();
    await lazyOcrEngine(create).terminate();
    expect(calls).toEqual({ created: 0, recognized: 0, terminated: 0 });
  });
});

describe('lazyOcrEngine that cannot start', () => {
  it('reports the failed start at each recognition', async () => {
    const broken = lazyOcrEngine(() => Promise.reject(new Error('no traineddata')));
    await expect(broken.recognize(createImage(4, 4), { psm: '10', whitelist: '' })).rejects.toThrow('no traineddata');
  });
});
