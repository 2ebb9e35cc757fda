// Reference of layer_health.wgsl: the spike sum, the largest finite |U| and
// the count of non-finite U over all values of a layer's batch.

export function layerHealthRef(S: ArrayLike<number>, U: ArrayLike<number>): { spikes: number; maxAbsU: number; nonFinite: number } {
  let spikes = 0;
  let maxAbsU = 0;
  let nonFinite = 0;
  for (let i = 0; i < S.length; i++) spikes += S[i];
  for (let i = 0; i < U.length; i++) {
    if (Number.isFinite(U[i])) maxAbsU = Math.max(maxAbsU, Math.abs(U[i]));
    else nonFinite++;
  }
  return { spikes, maxAbsU, nonFinite };
}
