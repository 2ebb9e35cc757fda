import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/** Where hidden error neurons read the error spikes from (EMSTDP's dfa = 0, 1, 2). */
export const EMSTDP_FEEDBACKS = ['transpose', 'backward', 'direct'] as const;
export type EmstdpFeedback = (typeof EMSTDP_FEEDBACKS)[number];

/** What the kernels need per layer; the passes derive it from the rule's settings. */
export interface EmstdpLayerParams {
  /** T; the window splits into two phases of twin = floor(T / 2) - 1 steps. */
  steps: number;
  /** Forward threshold θ_l of each layer (index l - 1, the output last). */
  thresholds: number[];
  /** Error threshold of each hidden layer's error neurons (index l - 1). */
  errorThresholds: number[];
  /** Error-spike injection per layer, scale θ_l. */
  inject: number[];
  /** |δ| at which an output error neuron spikes (ε, 3 in the code). */
  epsilon: number;
  /** Silence the error spikes of hidden neurons that did not fire in [0, twin) (dr = 1). */
  gate: boolean;
  lr: number;
  /** Weights stay in [-clip, clip]. */
  clip: number;
}

/** The steps each count covers, as [from, to): see emstdp_window.wgsl. */
export interface EmstdpWindows {
  twin: number;
  /** Phase-1 spikes that gate hidden errors and make the training prediction. */
  gate: readonly [number, number];
  /** The update's phase-1 window (pre- and postsynaptic). */
  pre: readonly [number, number];
  /** The update's phase-2 window. */
  post: readonly [number, number];
  /** First step of phase 2 (error spikes). */
  errorFrom: number;
}

/**
 * The code's windows, for the update at its last step t = T - 1: gate [0, twin),
 * pre [T - 2 twin, T - twin), post [T - twin, T); errors from t = twin + 1.
 */
export function emstdpWindows(steps: number): EmstdpWindows {
  const twin = Math.floor(steps / 2) - 1;
  if (twin < 1) throw new RangeError(`EMSTDP needs T >= 4 (two phases of twin = floor(T / 2) - 1 >= 1 steps); got T = ${steps}`);
  return { twin, gate: [0, twin], pre: [steps - 2 * twin, steps - twin], post: [steps - twin, steps], errorFrom: twin + 1 };
}

/** The window state's fields (emstdp_window.wgsl's FIELD constants), each [rows, N]. */
export const EMSTDP_FIELD = {
  membrane: 0,
  error: 1,
  /** 2 and 3: spikes at even and odd t. */
  spikes: 2,
  /** 4 and 5: error spikes at even and odd t. */
  errorSpikes: 4,
  /** Spikes in [0, twin). */
  gate: 6,
  /** Spikes in the update's phase-1 window. */
  pre: 7,
  /** Spikes in the update's phase-2 window. */
  post: 8,
  total: 9,
  /** |error spikes| emitted. */
  errors: 10,
} as const;
export const EMSTDP_FIELDS = 11;

/**
 * Where each layer lives in the packed buffers: neurons of layer l (1-based)
 * at offsets[l - 1] of the N per example; W_l (l >= 2) at packedW[l - 1] of
 * Wp; the feedback into hidden layer l at packedF[l - 1] of Fp.
 */
export interface EmstdpLayout {
  sizes: readonly number[];
  feedback: EmstdpFeedback;
  neurons: number;
  offsets: number[];
  packedW: number[];
  packedF: number[];
  /** Floats of Wp (W_2 .. W_L) and Fp (B_2 .. B_L, none under 'transpose'); at least 1. */
  wFloats: number;
  fFloats: number;
}

export function emstdpLayout(sizes: readonly number[], feedback: EmstdpFeedback): EmstdpLayout {
  const L = sizes.length - 1;
  const classes = sizes[L];
  const offsets: number[] = [];
  const packedW: number[] = [];
  const packedF: number[] = [];
  let neurons = 0;
  let w = 0;
  let f = 0;
  for (let l = 1; l <= L; l++) {
    offsets.push(neurons);
    neurons += sizes[l];
    packedW.push(l === 1 ? 0 : w);
    if (l > 1) w += sizes[l] * sizes[l - 1];
    packedF.push(f);
    // Hidden layer l's error comes through B_{l+1}: n_l x n_{l+1}, or n_l x classes (direct).
    if (l < L && feedback !== 'transpose') f += sizes[l] * (feedback === 'direct' ? classes : sizes[l + 1]);
  }
  return { sizes, feedback, neurons, offsets, packedW, packedF, wFloats: Math.max(1, w), fFloats: Math.max(1, f) };
}

/** Index of (field, row r, layer l's neuron j) in the state buffer. */
export function emstdpStateIndex(layout: EmstdpLayout, rows: number, field: number, r: number, l: number, j: number): number {
  return (field * rows + r) * layout.neurons + layout.offsets[l - 1] + j;
}

/** The Layer structs of emstdp_window.wgsl, 9 words each. */
function layerTable(layout: EmstdpLayout, p: EmstdpLayerParams): ArrayBuffer {
  const L = layout.sizes.length - 1;
  const buf = new ArrayBuffer(9 * 4 * L);
  const view = new DataView(buf);
  for (let l = 1; l <= L; l++) {
    const o = 36 * (l - 1);
    const src = layout.feedback === 'direct' ? L : l + 1;
    const u32 = [layout.sizes[l], layout.sizes[l - 1], layout.offsets[l - 1], layout.packedW[l - 1], layout.packedF[l - 1], Math.min(src, L) - 1];
    u32.forEach((v, k) => view.setUint32(o + 4 * k, v, true));
    view.setFloat32(o + 24, p.thresholds[l - 1], true);
    view.setFloat32(o + 28, l < L ? p.errorThresholds[l - 1] : 0, true);
    view.setFloat32(o + 32, p.inject[l - 1], true);
  }
  return buf;
}

export interface EmstdpEncodeArgs {
  /** Intensities [rows, n], clamped to [0, 1]. */
  X: GPUBuffer;
  /** The step clock: fresh draws every step. */
  clock: GPUBuffer;
  /** Spikes [T, rows, n], time-major. */
  S: GPUBuffer;
  /** Each pixel's spikes in the update's phase-1 window [rows, n]. */
  pre: GPUBuffer;
  rows: number;
  n: number;
  steps: number;
  /** Multiplies x before the comparison with r_t; absent = 1. */
  gain?: number;
  seed?: number;
  stream?: number;
  label?: string;
}

/** EMSTDP's input spikes: one draw per example and step, shared by its pixels (see emstdp_encode.wgsl). */
export async function emstdpEncode(ctx: GpuContext, a: EmstdpEncodeArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({ name: 'emstdp_encode', source: SHADERS.emstdpEncode, bindings: ['uniform', 'read', 'read', 'write', 'write'] });
  const label = a.label ?? 'emstdp_encode';
  const w = emstdpWindows(a.steps);
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([
      ['u32', a.rows], ['u32', a.n], ['u32', a.steps], ['u32', a.seed ?? 0], ['u32', a.stream ?? 0],
      ['f32', a.gain ?? 1], ['u32', w.pre[0]], ['u32', w.pre[1]],
    ]),
  );
  return makeDispatch(ctx.device, kernel, [u, a.X, a.clock, a.S, a.pre], grid1d(a.rows * a.n, 256), label);
}

export interface EmstdpWindowArgs {
  layout: EmstdpLayout;
  params: EmstdpLayerParams;
  rows: number;
  /** The first layer's current W_1 x[t] [T, rows, n_1]; step t's neurons read row t - 1. */
  I: GPUBuffer;
  /** W_2 .. W_L packed as the layout says. */
  Wp: GPUBuffer;
  /** B_2 .. B_L packed ('backward', 'direct'); unused under 'transpose'. */
  Fp?: GPUBuffer;
  /** Training only: phase 2 needs the labels. */
  labels?: GPUBuffer;
  /** EMSTDP_FIELDS x rows x N floats; the kernel zeroes its own rows first. */
  state: GPUBuffer;
  /** Output votes [rows, classes]. */
  Z: GPUBuffer;
  /** Output error spikes per example [rows]. */
  loss: GPUBuffer;
  /** Two phases with error spikes; otherwise phase 1's dynamics over all T (evaluation). */
  training: boolean;
  label?: string;
}

/** One EMSTDP window of every layer and example: a workgroup per example (see emstdp_window.wgsl). */
export async function emstdpWindow(ctx: GpuContext, a: EmstdpWindowArgs): Promise<Dispatch> {
  const L = a.layout.sizes.length - 1;
  const kernel = await ctx.pipelines.get({
    name: 'emstdp_window',
    source: SHADERS.emstdpWindow,
    bindings: ['uniform', 'read', 'read', 'read', 'read', 'read', 'write', 'write', 'write'],
    constants: { TRAINING: a.training ? 1 : 0, FEEDBACK: EMSTDP_FEEDBACKS.indexOf(a.layout.feedback), GATE: a.params.gate ? 1 : 0 },
  });
  const label = a.label ?? 'emstdp_window';
  const w = emstdpWindows(a.params.steps);
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([
      ['u32', a.rows], ['u32', L], ['u32', a.params.steps], ['u32', w.twin], ['u32', a.layout.neurons],
      ['u32', w.pre[0]], ['u32', w.pre[1]], ['u32', w.post[0]], ['f32', a.params.epsilon],
    ]),
  );
  const table = ctx.buffers.createWithData(`${label}.layers`, new Uint8Array(layerTable(a.layout, a.params)));
  const Fp = a.Fp ?? ctx.dummy('emstdp.Fp');
  const labels = a.labels ?? ctx.dummy('emstdp.labels');
  return makeDispatch(ctx.device, kernel, [u, table, a.I, a.Wp, Fp, labels, a.state, a.Z, a.loss], grid1d(a.rows * 64, 64), label);
}

export interface EmstdpUpdateArgs {
  layout: EmstdpLayout;
  params: EmstdpLayerParams;
  rows: number;
  /** Layer index, 1-based. */
  l: number;
  /** The input's phase-1 counts [rows, n_0] (emstdpEncode's pre); unused for l >= 2, which read the state. */
  inputPre: GPUBuffer;
  state: GPUBuffer;
  W: GPUBuffer;
  /** RMSprop's running mean of g^2, the shape of W. */
  m: GPUBuffer;
  /** The packed copy to keep in step (layers l >= 2). */
  Wp?: GPUBuffer;
  label?: string;
}

/** The end-of-window update of layer l's weights: RMSprop-scaled pre x post-change, clipped (see emstdp_update.wgsl). */
export async function emstdpUpdate(ctx: GpuContext, a: EmstdpUpdateArgs): Promise<Dispatch> {
  const { layout, rows, l } = a;
  const packed = l >= 2;
  if (packed && !a.Wp) throw new Error(`emstdpUpdate: layer ${l} needs the packed weights Wp`);
  const kernel = await ctx.pipelines.get({
    name: 'emstdp_update',
    source: SHADERS.emstdpUpdate,
    bindings: ['uniform', 'read', 'read', 'write', 'write', 'write'],
    constants: { PACKED: packed ? 1 : 0 },
  });
  const label = a.label ?? `emstdp_update${l}`;
  const nIn = layout.sizes[l - 1];
  const nOut = layout.sizes[l];
  const at = (field: number, layer: number) => emstdpStateIndex(layout, rows, field, 0, layer, 0);
  const pre = packed ? { buffer: a.state, base: at(EMSTDP_FIELD.pre, l - 1), stride: layout.neurons } : { buffer: a.inputPre, base: 0, stride: nIn };
  const { twin } = emstdpWindows(a.params.steps);
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([
      ['u32', rows], ['u32', nOut], ['u32', nIn], ['u32', pre.base], ['u32', pre.stride],
      ['u32', at(EMSTDP_FIELD.pre, l)], ['u32', at(EMSTDP_FIELD.post, l)], ['u32', layout.neurons], ['u32', layout.packedW[l - 1]],
      ['f32', 1 / (twin * rows)], ['f32', a.params.lr], ['f32', a.params.clip],
    ]),
  );
  const Wp = packed ? a.Wp! : ctx.dummy('emstdp_update.Wp');
  return makeDispatch(ctx.device, kernel, [u, pre.buffer, a.state, a.W, a.m, Wp], grid1d(nOut * nIn, 64), label);
}

/** Wp and Fp from per-layer arrays: W[l - 1] is n_l x n_{l-1}; B[l - 1] (l >= 2) is layer l's feedback, n_{l-1} x n_l or n_{l-1} x classes. */
export function packEmstdp(
  layout: EmstdpLayout,
  W: ReadonlyArray<ArrayLike<number>>,
  B: ReadonlyArray<ArrayLike<number> | null>,
): { Wp: Float32Array; Fp: Float32Array } {
  const Wp = new Float32Array(layout.wFloats);
  const Fp = new Float32Array(layout.fFloats);
  const L = layout.sizes.length - 1;
  for (let l = 2; l <= L; l++) Wp.set(W[l - 1], layout.packedW[l - 1]);
  if (layout.feedback !== 'transpose') {
    for (let l = 1; l < L; l++) {
      const b = B[l];
      if (!b) throw new Error(`packEmstdp: '${layout.feedback}' feedback needs layer ${l + 1}'s B`);
      Fp.set(b, layout.packedF[l - 1]);
    }
  }
  return { Wp, Fp };
}
