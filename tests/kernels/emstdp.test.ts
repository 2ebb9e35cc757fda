// emstdp_encode.wgsl, emstdp_window.wgsl and emstdp_update.wgsl against
// reference/emstdp.ts: whole two-phase windows of small networks (one and two
// hidden layers, every feedback path, gate on and off, training and
// evaluation) at batch sizes and widths off the workgroup size. Weights and
// thresholds are multiples of 1/64, so every membrane and error sum is exact
// in f32 and the spike counts must match exactly; only the update rounds.
import { afterAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/engine/device/gpu-context';
import {
  EMSTDP_FIELD,
  EMSTDP_FIELDS,
  type EmstdpFeedback,
  type EmstdpLayerParams,
  emstdpEncode,
  emstdpLayout,
  emstdpStateIndex,
  emstdpUpdate,
  emstdpWindow,
  emstdpWindows,
  packEmstdp,
} from '../../src/engine/kernels/emstdp';
import { matmul } from '../../src/engine/kernels/matmul';
import { type EmstdpRefNet, emstdpEncodeRef, emstdpUpdateRef, emstdpWindowRef } from '../../src/engine/reference/emstdp';
import { destroyContext, free, getContext, readF32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

const dyadic = (a: Float32Array, bias = 0) => a.map((v) => Math.round((v + bias) * 64) / 64);

interface WindowCase {
  name: string;
  sizes: number[];
  steps: number;
  rows: number;
  feedback: EmstdpFeedback;
  gate: boolean;
  epsilon: number;
  training: boolean;
}

const cases: WindowCase[] = [];
const nets = [[13, 7, 3], [30, 17, 10], [11, 9, 6, 4]];
const variants: Array<[EmstdpFeedback, boolean, number]> = [
  ['transpose', true, 3],
  ['backward', true, 2],
  ['direct', false, 2],
  ['transpose', false, 1],
];
for (const sizes of nets) {
  for (const [feedback, gate, epsilon] of variants) {
    for (const [steps, rows] of [[8, 1], [21, 3], [40, 5]]) {
      cases.push({ name: `${sizes.join('-')} ${feedback}${gate ? ', gated' : ''}, ε ${epsilon}, T=${steps}, batch ${rows}`, sizes, steps, rows, feedback, gate, epsilon, training: true });
    }
  }
  cases.push({ name: `${sizes.join('-')} evaluation, T=17, batch 4`, sizes, steps: 17, rows: 4, feedback: 'transpose', gate: true, epsilon: 3, training: false });
}

/** A seeded network whose layers fire at moderate rates on random intensities. */
function makeNet(c: WindowCase, seed: number): { net: EmstdpRefNet; params: EmstdpLayerParams } {
  const L = c.sizes.length - 1;
  const classes = c.sizes[L];
  const W = c.sizes.slice(1).map((n, l) => Float64Array.from(dyadic(seededArray(n * c.sizes[l], seed + l, 0.6), 0.12)));
  const B = c.sizes.slice(1).map((n, l) => {
    if (l === 0 || c.feedback === 'transpose') return null;
    const cols = c.feedback === 'direct' ? classes : n;
    return dyadic(seededArray(c.sizes[l] * cols, seed + 50 + l, 0.7));
  });
  const thresholds = c.sizes.slice(1).map((_, l) => (l === 0 ? 1.5 : 1));
  const params: EmstdpLayerParams = {
    steps: c.steps, thresholds, errorThresholds: thresholds.slice(0, L - 1).map(() => 0.5), inject: thresholds.slice(),
    epsilon: c.epsilon, gate: c.gate, lr: 0.01, clip: 0.75,
  };
  // RMSprop state away from its start of 1, so that both of its terms matter.
  const m = W.map((w, l) => Float64Array.from(seededArray(w.length, seed + 90 + l, 0.5), (v) => v + 0.6));
  return { net: { sizes: c.sizes, W, m, feedback: c.feedback, B }, params };
}

async function runWindow(ctx: GpuContext, c: WindowCase, seed: number) {
  const { net, params } = makeNet(c, seed);
  const { sizes, rows, steps } = c;
  const L = sizes.length - 1;
  const layout = emstdpLayout(sizes, c.feedback);
  const X = seededArray(rows * sizes[0], seed + 7, 0.5).map((v) => v + 0.5);
  const labels = Uint32Array.from({ length: rows }, (_, r) => (r * 7 + seed) % sizes[L]);
  const encoding = { rows, n: sizes[0], steps, seed: 100 + seed, stream: 3 };
  const clock = 5 + seed;
  const packed = packEmstdp(layout, net.W, net.B);
  const stateFloats = EMSTDP_FIELDS * rows * layout.neurons;
  const bufs = {
    X: upload(ctx, X), clock: upload(ctx, Uint32Array.of(clock)), labels: upload(ctx, labels),
    S: zeros(ctx, steps * rows * sizes[0]), pre: zeros(ctx, rows * sizes[0]), I: zeros(ctx, steps * rows * sizes[1]),
    Wp: upload(ctx, packed.Wp), Fp: upload(ctx, packed.Fp), state: upload(ctx, new Float32Array(stateFloats).fill(9)),
    Z: zeros(ctx, rows * sizes[L] + 3), loss: zeros(ctx, rows + 3),
    W: net.W.map((w) => upload(ctx, Float32Array.from(w))), m: net.m.map((m) => upload(ctx, Float32Array.from(m))),
  };
  run(ctx, [
    await emstdpEncode(ctx, { ...encoding, X: bufs.X, clock: bufs.clock, S: bufs.S, pre: bufs.pre }),
    await matmul(ctx, { M: steps * rows, N: sizes[1], K: sizes[0], A: bufs.S, B: bufs.W[0], C: bufs.I, transB: true }),
    await emstdpWindow(ctx, {
      layout, params, rows, I: bufs.I, Wp: bufs.Wp, Fp: c.feedback === 'transpose' ? undefined : bufs.Fp,
      labels: c.training ? bufs.labels : undefined, state: bufs.state, Z: bufs.Z, loss: bufs.loss, training: c.training,
    }),
  ]);
  const enc = emstdpEncodeRef({ ...encoding, X, clock });
  expect(Array.from(await readF32(ctx, bufs.S, steps * rows * sizes[0]))).toEqual(Array.from(enc.S));
  expect(Array.from(await readF32(ctx, bufs.pre, rows * sizes[0]))).toEqual(Array.from(enc.pre));
  const ref = emstdpWindowRef(net, params, enc.S, labels, rows, c.training);
  const state = await readF32(ctx, bufs.state, stateFloats);
  const field = (f: number, l: number) =>
    Array.from({ length: rows * sizes[l] }, (_, k) => state[emstdpStateIndex(layout, rows, f, Math.floor(k / sizes[l]), l, k % sizes[l])]);
  for (let l = 1; l <= L; l++) {
    expect(field(EMSTDP_FIELD.gate, l), `gate counts of layer ${l}`).toEqual(Array.from(ref.gate[l - 1]));
    expect(field(EMSTDP_FIELD.pre, l), `phase-1 counts of layer ${l}`).toEqual(Array.from(ref.pre[l - 1]));
    expect(field(EMSTDP_FIELD.post, l), `phase-2 counts of layer ${l}`).toEqual(Array.from(ref.post[l - 1]));
    expect(field(EMSTDP_FIELD.total, l), `total counts of layer ${l}`).toEqual(Array.from(ref.total[l - 1]));
    expect(field(EMSTDP_FIELD.errors, l), `error spikes of layer ${l}`).toEqual(Array.from(ref.errors[l - 1]));
  }
  const Z = await readF32(ctx, bufs.Z, rows * sizes[L] + 3);
  expect(Array.from(Z.subarray(0, rows * sizes[L]))).toEqual(Array.from(ref.Z));
  expect(Array.from(Z.subarray(rows * sizes[L]))).toEqual([0, 0, 0]);
  const loss = await readF32(ctx, bufs.loss, rows + 3);
  expect(Array.from(loss.subarray(0, rows))).toEqual(Array.from(ref.loss));
  expect(Array.from(loss.subarray(rows))).toEqual([0, 0, 0]);
  return { net, params, layout, bufs, ref, enc };
}

describe('emstdp_window and emstdp_update', () => {
  cases.forEach((c, k) => {
    it(c.name, async () => {
      const ctx = await getContext();
      const { net, params, layout, bufs, ref, enc } = await runWindow(ctx, c, k);
      const L = c.sizes.length - 1;
      // Both signs of activity, so the cases exercise the paths they name.
      const spikes = ref.total.map((t) => t.reduce((a, v) => a + v, 0) / t.length);
      for (const s of spikes) expect(s).toBeGreaterThan(0);
      if (c.training && c.steps === 40) {
        expect(ref.loss.reduce((a, v) => a + v, 0)).toBeGreaterThan(0);
        if (c.epsilon < 3) expect(ref.errors[L - 2].reduce((a, v) => a + v, 0)).toBeGreaterThan(0);
      }
      if (!c.training) {
        expect(ref.errors.every((e) => e.every((v) => v === 0))).toBe(true);
        free(ctx, [...Object.values(bufs).flat()]);
        return;
      }

      run(ctx, await Promise.all(net.W.map((_, i) => emstdpUpdate(ctx, {
        layout, params, rows: c.rows, l: i + 1, inputPre: bufs.pre, state: bufs.state, W: bufs.W[i], m: bufs.m[i], Wp: i > 0 ? bufs.Wp : undefined,
      }))));
      emstdpUpdateRef(net, params, ref, enc.pre, c.rows);
      const Wp = await readF32(ctx, bufs.Wp, layout.wFloats);
      for (let l = 1; l <= L; l++) {
        const W = await readF32(ctx, bufs.W[l - 1], net.W[l - 1].length);
        expect(relErr(W, net.W[l - 1])).toBeLessThan(1e-5);
        expect(relErr(await readF32(ctx, bufs.m[l - 1], net.m[l - 1].length), net.m[l - 1])).toBeLessThan(1e-5);
        expect(W.every((w) => Math.abs(w) <= params.clip)).toBe(true);
        if (l > 1) expect(Array.from(Wp.subarray(layout.packedW[l - 1], layout.packedW[l - 1] + W.length))).toEqual(Array.from(W));
      }
      free(ctx, [...Object.values(bufs).flat()]);
    });
  });

  it('hand-worked: a silent network, the label error spike and the spike it injects', async () => {
    // T = 12: twin = 5, errors from t = 6. The label's output is silent, so δ
    // grows 1 per step: 1, 2, 3 at t = 6, 7, 8, where it spikes (+1) and resets.
    // Injected after the reset of t = 9, U = θ fires the neuron at t = 10: one
    // spike, in the phase-2 window [7, 12). No other neuron moves.
    const ctx = await getContext();
    const sizes = [2, 2, 3];
    const layout = emstdpLayout(sizes, 'transpose');
    const params: EmstdpLayerParams = { steps: 12, thresholds: [1, 1], errorThresholds: [1], inject: [1, 1], epsilon: 3, gate: true, lr: 0.1, clip: 1 };
    const rows = 1;
    const bufs = {
      I: zeros(ctx, 12 * 2), Wp: zeros(ctx, layout.wFloats), labels: upload(ctx, Uint32Array.of(1)),
      state: zeros(ctx, EMSTDP_FIELDS * layout.neurons), Z: zeros(ctx, 3), loss: zeros(ctx, 1),
    };
    run(ctx, [await emstdpWindow(ctx, { layout, params, rows, ...bufs, training: true })]);
    const state = await readF32(ctx, bufs.state, EMSTDP_FIELDS * layout.neurons);
    const out = (f: number) => [0, 1, 2].map((j) => state[emstdpStateIndex(layout, rows, f, 0, 2, j)]);
    expect(out(EMSTDP_FIELD.total)).toEqual([0, 1, 0]);
    expect(out(EMSTDP_FIELD.post)).toEqual([0, 1, 0]);
    expect(out(EMSTDP_FIELD.errors)).toEqual([0, 1, 0]);
    // δ after the reset: 1 at t = 9 (s[8] = 0), 2 at t = 10 (s[9] = 0), still 2 at t = 11 (s[10] = 1).
    expect(out(EMSTDP_FIELD.error)).toEqual([0, 2, 0]);
    expect(Array.from(await readF32(ctx, bufs.loss, 1))).toEqual([1]);
    const ref = emstdpWindowRef({ sizes, W: [new Float64Array(4), new Float64Array(6)], m: [], feedback: 'transpose', B: [] }, params, new Float64Array(24), [1], 1, true);
    expect(Array.from(ref.total[1])).toEqual([0, 1, 0]);
    free(ctx, Object.values(bufs));
  });

  it('uses the windows of the code: twin = T/2 - 1 and the update at the last step', () => {
    expect(emstdpWindows(100)).toEqual({ twin: 49, gate: [0, 49], pre: [2, 51], post: [51, 100], errorFrom: 50 });
    expect(emstdpWindows(9)).toEqual({ twin: 3, gate: [0, 3], pre: [3, 6], post: [6, 9], errorFrom: 4 });
    expect(() => emstdpWindows(3)).toThrow(/T >= 4/);
  });
});
