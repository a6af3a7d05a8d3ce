/** Prediction quality measures for binary outcomes (model monitoring, benches, tests). */

/** Area under the ROC curve (ties get half credit). null when only one class is present. */
export function auc(predictions: ArrayLike<number>, outcomes: ArrayLike<number | boolean>): number | null {
  const n = predictions.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => (predictions[a] as number) - (predictions[b] as number));
  let pos = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && predictions[idx[j + 1] as number] === predictions[idx[i] as number]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (outcomes[idx[k] as number]) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Mean negative log-likelihood (natural log); predictions are clipped to [eps, 1 − eps]. */
export function logLoss(predictions: ArrayLike<number>, outcomes: ArrayLike<number | boolean>, eps = 1e-6): number {
  let s = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, predictions[i] as number));
    s += outcomes[i] ? -Math.log(p) : -Math.log(1 - p);
  }
  return predictions.length ? s / predictions.length : 0;
}

/** Pearson correlation. null when fewer than 2 points or no variance. */
export function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}
