// Metrics exports and model files: CSV and JSON from records, the model file's round
// trip, and a message that says what is wrong for each malformed file.
import { describe, expect, it } from 'vitest';
import type { RateSnapshot } from '../../engine/session/trainer-snapshot';
import type { MetricsRecord } from '../../engine/training/trainer';
import { DEFAULT_EXPERIMENT, type Experiment, toTrainConfig } from '../experiment/experiment';
import { decodeExperiment } from '../experiment/share-link';
import {
  decodeFloat32,
  encodeFloat32,
  exportFileName,
  type ImportedModel,
  metricsCsv,
  metricsJson,
  MODEL_FORMAT,
  modelFile,
  modelFileText,
  readModelFile,
  restoreSnapshot,
} from './export';

// A 2-3-2 network on XOR, trained with feedback alignment.
const xor: Experiment = { ...DEFAULT_EXPERIMENT, dataset: 'xor', trainSubset: 64, testSubset: 16, hidden: [3], rule: 'fa', batchSize: 8 };

function record(step: number, over: Partial<MetricsRecord> = {}): MetricsRecord {
  return {
    step,
    epoch: Math.floor(step / 8),
    trainLoss: step === 0 ? Number.NaN : 1 / step,
    trainAcc: step === 0 ? Number.NaN : 0.5 + step / 100,
    testLoss: step % 8 === 0 ? 0.7 : null,
    testAcc: step % 8 === 0 ? 0.5 + step / 200 : null,
    layers: [
      { layer: 1, weightAngle: 88.5, gradientAngle: null, bpAngle: null, weightNorm: 1.25, feedbackNorm: 1.5 },
      { layer: 2, weightAngle: 70 - step, gradientAngle: 60, bpAngle: null, weightNorm: 2, feedbackNorm: 2.5 },
    ],
    samplesPerSec: 1000,
    elapsedSec: step / 10,
    diverged: false,
    ...over,
  };
}

const ramp = (n: number, scale = 0.01, offset = 0) => Float32Array.from({ length: n }, (_, i) => offset + scale * (i - n / 2));

/** A snapshot as a 2-3-2 fa trainer would give it: parameters, moments, clock and position. */
function snapshot(e: Experiment = xor, over: Partial<RateSnapshot> = {}): RateSnapshot {
  return {
    kind: 'rate',
    version: 1,
    config: toTrainConfig(e),
    trainCount: 64,
    position: { step: 24, epoch: 3, shuffles: 4, sinceCapture: 0, probed: true },
    clock: 24,
    metrics: new Float32Array(8),
    buffers: {
      'layer1.W': ramp(6, 0.1),
      'layer1.b': ramp(3, 0.01),
      'layer1.B': ramp(6, -0.2),
      'layer1.mW': ramp(6, 0.001),
      'layer2.W': Float32Array.of(-0, 1e-38, 3.4e38, -1.5, 0.1, 7),
      'layer2.b': ramp(2, 0.5),
      'layer2.B': ramp(6, 0.3, 1),
      'layer2.mW': ramp(6, 0.002),
    },
    ...over,
  };
}

describe('metrics as CSV', () => {
  it('writes a header and a row per record, led by the rule, with per-layer columns', () => {
    const csv = metricsCsv([{ rule: 'fa', records: [record(0), record(4), record(8)] }]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'rule,step,epoch,train_loss,train_acc,test_loss,test_acc,samples_per_sec,elapsed_sec,diverged,' +
        'layer1_weight_angle,layer1_gradient_angle,layer1_bp_angle,layer1_weight_norm,layer1_feedback_norm,' +
        'layer2_weight_angle,layer2_gradient_angle,layer2_bp_angle,layer2_weight_norm,layer2_feedback_norm',
    );
    expect(lines).toHaveLength(4);
    // Step 0: no training yet (NaN), a test score; step 4: no test score (empty cells).
    expect(lines[1]).toBe('fa,0,0,NaN,NaN,0.7,0.5,1000,0,false,88.5,,,1.25,1.5,70,60,,2,2.5');
    expect(lines[2]).toBe('fa,4,0,0.25,0.54,,,1000,0.4,false,88.5,,,1.25,1.5,66,60,,2,2.5');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('puts every rule of a comparison in one file, with the union of their layer columns', () => {
    const spiking = { ...record(2), layers: [{ layer: 1, firingRate: 0.05, maxAbsMembrane: 1.2, nonFinite: 0, weightAngle: null }], warnings: [] };
    const csv = metricsCsv([
      { rule: 'bp', records: [record(2, { layers: [] })] },
      { rule: 'surrogate-fa', records: [spiking] },
    ]);
    const [header, bp, sfa] = csv.trimEnd().split('\r\n');
    expect(header!.endsWith('diverged,layer1_firing_rate,layer1_max_abs_membrane,layer1_non_finite,layer1_weight_angle')).toBe(true);
    expect(bp).toBe('bp,2,0,0.5,0.52,,,1000,0.2,false,,,,');
    expect(sfa).toBe('surrogate-fa,2,0,0.5,0.52,,,1000,0.2,false,0.05,1.2,0,');
  });
});

describe('metrics as JSON', () => {
  it('holds the experiment, a share link that reproduces it, and each rule\'s records', () => {
    const e: Experiment = { ...xor, rule: 'bp', compare: ['bp', 'fa'] };
    const doc = JSON.parse(metricsJson(e, [{ rule: 'bp', records: [record(0)] }, { rule: 'fa', records: [record(0), record(8)] }]));
    expect(doc.format).toBe('plasticity-lab/metrics');
    expect(doc.version).toBe(1);
    expect(doc.experiment).toEqual(e);
    expect(decodeExperiment(doc.link).experiment).toEqual(e);
    expect(doc.runs.map((r: { rule: string; records: unknown[] }) => [r.rule, r.records.length])).toEqual([
      ['bp', 1],
      ['fa', 2],
    ]);
    // JSON has no NaN: the step-0 record's train loss is null.
    expect(doc.runs[0].records[0].trainLoss).toBeNull();
    expect(doc.runs[1].records[1].testAcc).toBe(0.54);
  });
});

describe('float32 arrays as base64', () => {
  it('is little-endian IEEE 754, whatever the machine', () => {
    expect(encodeFloat32(Float32Array.of(1))).toBe('AACAPw==');
    expect(encodeFloat32(new Float32Array(0))).toBe('');
  });

  it('round-trips every value bit for bit, large arrays included', () => {
    const values = Float32Array.of(0, -0, 1e-45, -3.4028234663852886e38, Math.PI, 123.456);
    const back = decodeFloat32(encodeFloat32(values))!;
    expect(Array.from(back)).toEqual(Array.from(values));
    expect(Object.is(back[1], -0)).toBe(true);
    const big = ramp(200_000, 1e-3);
    expect(decodeFloat32(encodeFloat32(big))).toEqual(big);
  });

  it('refuses text that is not base64 of whole floats', () => {
    expect(decodeFloat32('AACAP')).toBeNull();
    expect(decodeFloat32('AAC*Pw==')).toBeNull();
    expect(decodeFloat32('AAA=')).toBeNull();
  });
});

describe('model files', () => {
  it('round-trip: export then import gives the same experiment, sizes and arrays', () => {
    const s = snapshot();
    const read = readModelFile(modelFileText(xor, s));
    expect(read.ok).toBe(true);
    const model = (read as { ok: true; model: ImportedModel }).model;
    expect(model.experiment).toEqual(xor);
    expect(model.sizes).toEqual([2, 3, 2]);
    expect(model).toMatchObject({ step: 24, epoch: 3 });
    expect(Object.keys(model.parameters).sort()).toEqual(['layer1.B', 'layer1.W', 'layer1.b', 'layer2.B', 'layer2.W', 'layer2.b']);
    for (const [name, values] of Object.entries(model.parameters)) expect(values, name).toEqual(s.buffers[name]);
  });

  it('writes the documented fields, shapes rows first, and leaves optimiser state out', () => {
    const file = modelFile(xor, snapshot());
    expect(file).toMatchObject({ format: MODEL_FORMAT, version: 1, sizes: [2, 3, 2], step: 24, epoch: 3 });
    expect(decodeExperiment(file.link).experiment).toEqual(xor);
    expect(file.parameters['layer1.W']).toMatchObject({ shape: [3, 2], dtype: 'float32-le' });
    expect(file.parameters['layer1.b']!.shape).toEqual([3]);
    expect(file.parameters['layer2.B']!.shape).toEqual([3, 2]);
    expect(file.parameters['layer1.mW']).toBeUndefined();
  });

  it('saves the settings in force: a compared rule, a rule switched or a rate changed mid-run', () => {
    const compared: Experiment = { ...xor, rule: 'bp', compare: ['bp', 'fa'], coefficients: {} };
    const s = snapshot({ ...xor, optimizer: { ...xor.optimizer, lr: 0.003 } });
    const file = modelFile(compared, s);
    expect(file.experiment).toMatchObject({ rule: 'fa', compare: [], optimizer: { method: 'momentum', lr: 0.003, momentum: 0.9 } });
  });

  it('refuses to save weights that are not finite, or a snapshot of another network', () => {
    const s = snapshot();
    s.buffers['layer2.W'] = Float32Array.of(0, 0, Number.NaN, 0, 0, 0);
    expect(() => modelFile(xor, s)).toThrow(/not a number in layer2\.W \(index 2\): the network diverged/);
    expect(() => modelFile({ ...xor, hidden: [4] }, snapshot())).toThrow(/holds 6 values of layer1\.W, which no layer of the 2-4-2 network has/);
  });

  it('a bp network has no B, and its file reads back', () => {
    const bp: Experiment = { ...xor, rule: 'bp' };
    const s = snapshot(bp);
    delete s.buffers['layer1.B'];
    delete s.buffers['layer2.B'];
    const read = readModelFile(modelFileText(bp, s));
    expect(read.ok && Object.keys(read.model.parameters).sort()).toEqual(['layer1.W', 'layer1.b', 'layer2.W', 'layer2.b']);
  });
});

describe('model files that cannot be read say why', () => {
  const good = () => JSON.parse(modelFileText(xor, snapshot()));
  const problemsOf = (doc: unknown) => {
    const r = readModelFile(typeof doc === 'string' ? doc : JSON.stringify(doc));
    expect(r.ok).toBe(false);
    return (r as { problems: string[] }).problems;
  };
  const only = (doc: unknown) => {
    const problems = problemsOf(doc);
    expect(problems).toHaveLength(1);
    return problems[0]!;
  };
  const edit = (f: (doc: Record<string, any>) => void) => {
    const doc = good();
    f(doc);
    return doc;
  };

  it.each([
    ['not JSON', '{"format": "plasticity-lab/model", ', /^This file is not JSON \(.+\); choose a model file saved by Plasticity Lab/],
    ['a list', '[1, 2]', /^This file holds \[1,2\], not a model/],
    ['a metrics file', { format: 'plasticity-lab/metrics', version: 1 }, /^This is a metrics file/],
    ['no format', edit((d) => delete d.format), /^This file has no "format"; a model file saved by Plasticity Lab has "format": "plasticity-lab\/model"\.$/],
    ['another format', edit((d) => (d.format = 'keras')), /^This file has the format "keras"/],
    ['a version that is no number', edit((d) => (d.version = '1')), /^The model file's version is "1"; it must be a whole number from 1/],
    ['a newer version', edit((d) => (d.version = 2)), /^This model file has version 2, newer than the version 1 this page reads\. Reload the page/],
    ['no experiment', edit((d) => delete d.experiment), /^The model file has no experiment \(found nothing\)/],
    ['an invalid experiment', edit((d) => (d.experiment.hidden = [0])), /^The model's experiment is not valid: hidden\[0\] layer 1 must be a whole number of neurons from 1/],
    ['an unknown rule', edit((d) => (d.experiment.rule = 'magic')), /^The model's experiment is not valid: rule unknown rule "magic"/],
    ['sizes of another network', edit((d) => (d.sizes = [2, 4, 2])), /^The model's layer sizes 2-4-2 do not match its experiment's network, 2-3-2 \(xor, hidden 3\)\.$/],
    ['no sizes', edit((d) => delete d.sizes), /^The model's "sizes" is nothing; it must list the layer sizes/],
    ['a negative step', edit((d) => (d.step = -1)), /^The model's "step" is -1; it must be a whole number from 0\.$/],
    ['no parameters', edit((d) => delete d.parameters), /^The model file has no "parameters" \(found nothing\)/],
    ['an array of a layer it lacks', edit((d) => (d.parameters['layer3.W'] = d.parameters['layer2.W'])), /^The model holds "layer3\.W", which is no parameter of a 2-3-2 network \(it has layer1\.W, layer1\.b, layer2\.W, layer2\.b, and B where/],
    ['an array of no kind it knows', edit((d) => (d.parameters['layer1.mW'] = d.parameters['layer1.W'])), /^The model holds "layer1\.mW", which is no parameter/],
    ['a missing bias', edit((d) => delete d.parameters['layer2.b']), /^The model has no layer2\.b; every layer needs its weights W and biases b\.$/],
    ['another dtype', edit((d) => (d.parameters['layer1.W'].dtype = 'float64')), /^layer1\.W has dtype "float64"; this page reads "float32-le"/],
    ['a wrong shape', edit((d) => (d.parameters['layer1.W'].shape = [2, 3])), /^layer1\.W has shape \[2,3\]; this network needs \[3, 2\]\.$/],
    ['a B of no allowed shape', edit((d) => (d.parameters['layer1.B'].shape = [3, 2])), /^layer1\.B has shape \[3,2\]; this network needs \[2, 3\] or \[2, 2\]\.$/],
    ['data that is not base64', edit((d) => (d.parameters['layer1.b'].data = 'not base64!')), /^layer1\.b's data is not base64 of whole 32-bit floats/],
    ['data cut short', edit((d) => (d.parameters['layer1.W'].data = encodeFloat32(ramp(5)))), /^layer1\.W holds 5 values where its shape \[3, 2\] needs 6; the file may be cut short or edited\.$/],
    [
      'values that are not finite',
      edit((d) => (d.parameters['layer2.b'].data = encodeFloat32(Float32Array.of(Number.NaN, Number.POSITIVE_INFINITY)))),
      /^layer2\.b holds 2 values that are not a finite number \(NaN or ±∞\), the first at index 0: the network had diverged when it was saved\.$/,
    ],
  ])('%s', (_what, doc, message) => {
    expect(only(doc)).toMatch(message);
  });

  it('lists every problem of the arrays at once', () => {
    const doc = edit((d) => {
      d.parameters['layer1.W'].shape = [9];
      delete d.parameters['layer2.W'];
      d.step = 1.5;
    });
    expect(problemsOf(doc)).toEqual([
      `The model's "step" is 1.5; it must be a whole number from 0.`,
      'layer1.W has shape [9]; this network needs [3, 2].',
      'The model has no layer2.W; every layer needs its weights W and biases b.',
    ]);
  });
});

describe('restoring a model', () => {
  const model = () => {
    const r = readModelFile(modelFileText(xor, snapshot()));
    if (!r.ok) throw new Error(r.problems.join(' '));
    return r.model;
  };
  // A fresh run's snapshot: other weights, zero moments, step 0.
  const fresh = () => {
    const s = snapshot(xor, { position: { step: 0, epoch: 0, shuffles: 1, sinceCapture: 0, probed: false }, clock: 0 });
    for (const [k, v] of Object.entries(s.buffers)) s.buffers[k] = k.includes('.m') ? new Float32Array(v.length) : v.map((x) => x + 1);
    return s;
  };

  it('puts the model\'s arrays into a fresh run\'s snapshot and keeps its optimiser state and position', () => {
    const m = model();
    const f = fresh();
    const s = restoreSnapshot(m, f);
    for (const name of Object.keys(m.parameters)) expect(s.buffers[name], name).toEqual(m.parameters[name]);
    expect(s.buffers['layer1.mW']).toEqual(new Float32Array(6));
    expect(s.position.step).toBe(0);
    expect(s.config).toBe(f.config);
  });

  it('refuses a run of another rule or network', () => {
    const m = model();
    expect(() => restoreSnapshot(m, { ...fresh(), config: toTrainConfig({ ...xor, rule: 'bp' }) })).toThrow(/trains bp and the model fa; start the run from the model's experiment first/);
    const noB = fresh();
    delete noB.buffers['layer2.B'];
    expect(() => restoreSnapshot(m, noB)).toThrow(/has no layer2\.B, which the model carries/);
  });
});

describe('file names', () => {
  it('say what the file holds', () => {
    expect(exportFileName(xor, ['fa'], 'metrics', 'csv')).toBe('plasticity-xor-fa-metrics.csv');
    expect(exportFileName({ ...xor, dataset: 'fashion-mnist' }, ['bp', 'fa'], 'test accuracy', 'png')).toBe('plasticity-fashion-mnist-bp-vs-fa-test-accuracy.png');
  });
});
