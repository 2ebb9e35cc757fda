// The run session in Node, on tiny networks: loading, play/pause/step/reset
// determinism, live settings, rule switches, divergence, and recovery from a
// lost device through the last snapshot.
import { describe, expect, test } from 'vitest';
import type { Dataset } from '../../src/engine/data/loader';
import { nodeFileSource } from '../../src/engine/data/node-source';
import { nodeGpu } from '../../src/engine/device/node-gpu';
import { ConfigError } from '../../src/engine/errors';
import { RunSession } from '../../src/engine/session/run-session';
import type { SessionEvent } from '../../src/engine/session/session-events';
import type { SessionSpec } from '../../src/engine/session/session-spec';
import type { TrainerSnapshot } from '../../src/engine/session/trainer-snapshot';
import { syntheticDataset } from './synthetic-data';

const host = () => ({ gpu: nodeGpu(), source: nodeFileSource('public/datasets') });
const tiny: Dataset = syntheticDataset(16, 3, 96, 24, 5);

/** A rate fa network on the tiny set: 12 steps per epoch, a record every 2 steps. */
function spec(overrides: Partial<SessionSpec> = {}, config: Record<string, unknown> = {}): SessionSpec {
  return {
    dataset: { kind: 'given', dataset: tiny },
    network: { kind: 'rate', config: { rule: 'fa', hidden: [8], batchSize: 8, seed: 3, ...config } },
    epochs: 3,
    metricsEvery: 2,
    stepsPerChunk: 5,
    ...overrides,
  };
}

/** Every event of a session, with a way to wait for the next one that matches. */
function record(session: RunSession) {
  const events: SessionEvent[] = [];
  const waiting: Array<{ match: (e: SessionEvent) => boolean; resolve: (e: SessionEvent) => void }> = [];
  session.onEvent((e) => {
    events.push(e);
    for (const w of waiting.splice(0)) {
      if (w.match(e)) w.resolve(e);
      else waiting.push(w);
    }
  });
  const next = <T extends SessionEvent['type']>(type: T, where: (e: Extract<SessionEvent, { type: T }>) => boolean = () => true) =>
    new Promise<Extract<SessionEvent, { type: T }>>((resolve) => {
      waiting.push({ match: (e) => e.type === type && where(e as Extract<SessionEvent, { type: T }>), resolve: resolve as (e: SessionEvent) => void });
    });
  const metrics = () =>
    events.flatMap((e) => (e.type === 'metrics' ? [e.record] : [])).map(({ samplesPerSec: _s, elapsedSec: _e, ...rest }) => rest);
  return { events, next, metrics, clear: () => events.splice(0) };
}

const weights = (s: TrainerSnapshot) => Object.fromEntries(Object.entries(s.buffers).filter(([k]) => k.endsWith('.W')));

describe('run session', () => {
  test('loads a named dataset through its byte source, with progress, and announces the run', async () => {
    const session = new RunSession(host());
    const log = record(session);
    const info = await session.start({
      dataset: { kind: 'named', name: 'mnist', trainSubset: 256, testSubset: 64 },
      network: { kind: 'rate', config: { rule: 'bp', hidden: [16], batchSize: 32 } },
    });
    expect(info).toMatchObject({ kind: 'rate', dataset: 'mnist', sizes: [784, 16, 10], trainCount: 256, testCount: 64, stepsPerEpoch: 8, totalSteps: null });
    expect(info.adapter.length).toBeGreaterThan(0);
    const phases = log.events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
    expect(phases).toEqual(['loading', 'preparing', 'ready']);
    const progress = log.events.flatMap((e) => (e.type === 'load-progress' ? [e.progress] : []));
    expect(progress.at(-1)!.loadedBytes).toBe(progress.at(-1)!.totalBytes);
    await session.step();
    await session.step();
    expect(log.metrics().some((r) => r.step === 4)).toBe(true);
    await session.destroy();
    expect(session.phase).toBe('destroyed');
  });

  test('reports load progress a few times a second, however small the chunks, ending at the whole size', async () => {
    // Each file in 2 KB chunks: thousands of reads, which the page should not see one by one.
    const files = nodeFileSource('public/datasets');
    let chunks = 0;
    const chunked = async (name: string) => {
      const bytes = new Uint8Array(await new Response((await files(name)).stream as ReadableStream<Uint8Array>).arrayBuffer());
      let at = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          chunks++;
          controller.enqueue(bytes.subarray(at, (at += 2048)));
        },
      });
      return { stream, totalBytes: bytes.length };
    };
    const session = new RunSession({ gpu: nodeGpu(), source: chunked });
    const log = record(session);
    const started = performance.now();
    await session.start({
      dataset: { kind: 'named', name: 'mnist', trainSubset: 256, testSubset: 64 },
      network: { kind: 'rate', config: { rule: 'bp', hidden: [16], batchSize: 32 } },
    });
    const seconds = (performance.now() - started) / 1000;
    const progress = log.events.flatMap((e) => (e.type === 'load-progress' ? [e.progress] : []));
    expect(chunks).toBeGreaterThan(5000);
    // One per file as it starts, one per 100 ms and the last.
    expect(progress.length).toBeLessThanOrEqual(4 + Math.ceil(seconds * 10) + 1);
    const loaded = progress.map((p) => p.loadedBytes);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(progress.at(-1)!.loadedBytes).toBe(progress.at(-1)!.totalBytes);
    await session.destroy();
  });

  test("compiles the run's pipelines while a shipped dataset's files load", async () => {
    // A device that counts pipeline compilations, and a byte source held shut until the first one.
    let compiled = 0;
    const gpu = nodeGpu();
    const counting = {
      requestAdapter: async (options?: GPURequestAdapterOptions) => {
        const adapter = await gpu.requestAdapter(options);
        if (!adapter) return adapter;
        const requestDevice = adapter.requestDevice.bind(adapter);
        return Object.assign(adapter, {
          requestDevice: async (descriptor?: GPUDeviceDescriptor) => {
            const device = await requestDevice(descriptor);
            const compile = device.createComputePipelineAsync.bind(device);
            return Object.assign(device, { createComputePipelineAsync: (d: GPUComputePipelineDescriptor) => (compiled++, compile(d)) });
          },
        });
      },
    };
    const files = nodeFileSource('public/datasets');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const session = new RunSession({ gpu: counting, source: async (name) => (await gate, files(name)) });
    let atPreparing = -1;
    session.onEvent((e) => {
      if (e.type === 'phase' && e.phase === 'preparing') atPreparing = compiled;
    });
    const started = session.start({
      dataset: { kind: 'named', name: 'mnist', trainSubset: 256, testSubset: 100 },
      network: { kind: 'rate', config: { rule: 'fa', hidden: [16, 12], batchSize: 32 } },
    });
    for (let waited = 0; compiled === 0 && waited < 3000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    open();
    await started;
    expect(atPreparing).toBeGreaterThan(0);
    // Everything the real trainer needed was compiled before the data arrived.
    expect(compiled).toBe(atPreparing);
    await session.step();
    await session.destroy();
  });

  test('play, pause and step give the same run as playing through, and reset starts it again', async () => {
    const session = new RunSession(host());
    const log = record(session);
    await session.start(spec());
    const finished = log.next('phase', (e) => e.phase === 'finished');
    await session.play();
    await finished;
    const through = log.metrics();
    expect(through.at(-1)!.step).toBe(36);
    expect(through.filter((r) => r.testAcc !== null).map((r) => r.step)).toEqual([0, 12, 24, 36]);

    log.clear();
    await session.reset();
    expect(log.events.find((e) => e.type === 'ready')).toBeDefined();
    await session.play();
    await log.next('metrics', (e) => e.record.step >= 8);
    await session.pause();
    expect(log.events.some((e) => e.type === 'paused' && e.reason === 'user')).toBe(true);
    await session.step();
    await session.step();
    const done = log.next('phase', (e) => e.phase === 'finished');
    await session.play();
    await done;
    expect(log.metrics()).toEqual(through);
    await session.destroy();
  });

  test('start with play trains at once: step 1 records before the step-0 test pass, and the run is the same', async () => {
    const plain = new RunSession(host());
    const plainLog = record(plain);
    await plain.start(spec());
    const plainDone = plainLog.next('phase', (e) => e.phase === 'finished');
    await plain.play();
    await plainDone;
    await plain.destroy();

    const session = new RunSession(host());
    const log = record(session);
    const done = log.next('phase', (e) => e.phase === 'finished');
    const info = await session.start(spec(), { play: true });
    expect(info.stepsPerEpoch).toBe(12);
    await done;
    const types = log.events.map((e) => e.type);
    expect(types.indexOf('ready')).toBeLessThan(types.indexOf('resumed'));
    const steps = log.metrics().map((r) => r.step);
    expect(steps.slice(0, 3)).toEqual([1, 0, 2]);
    // The step-0 record is the one a paused start makes; every record from step 4 on is identical too
    // (step 1's record splits the first interval, so step 2's covers one step).
    const expected = plainLog.metrics();
    expect(log.metrics().find((r) => r.step === 0)).toEqual(expected.find((r) => r.step === 0));
    expect(log.metrics().filter((r) => r.step >= 4)).toEqual(expected.filter((r) => r.step >= 4));
    await session.destroy();
  });

  test('restore puts a snapshot back, paused, and training from it repeats what followed it', async () => {
    const session = new RunSession(host());
    const log = record(session);
    await session.start(spec());
    for (let i = 0; i < 4; i++) await session.step();
    const saved = await session.snapshot();
    log.clear();
    for (let i = 0; i < 4; i++) await session.step();
    const after = log.metrics();
    const ahead = await session.snapshot();
    expect(weights(ahead)).not.toEqual(weights(saved));

    const step = await session.restore(saved);
    expect(step).toBe(saved.position.step);
    expect(session.phase).toBe('paused');
    expect(log.events.some((e) => e.type === 'rewound' && e.step === saved.position.step)).toBe(true);
    expect(weights(await session.snapshot())).toEqual(weights(saved));
    log.clear();
    for (let i = 0; i < 4; i++) await session.step();
    expect(log.metrics()).toEqual(after);
    expect(weights(await session.snapshot())).toEqual(weights(ahead));
    await session.destroy();
  });

  test('a learning rate set while training applies from the next submit', async () => {
    const session = new RunSession(host());
    const log = record(session);
    await session.start(spec({ epochs: undefined }));
    await session.play();
    await log.next('metrics', (e) => e.record.step >= 4);
    await session.setLearningRate(0);
    expect(log.events.some((e) => e.type === 'settings' && e.settings.lr === 0)).toBe(true);
    await session.pause();
    const frozen = await session.snapshot();
    await session.step();
    await session.step();
    const still = await session.snapshot();
    expect(still.position.step).toBe(frozen.position.step + 4);
    expect(weights(still)).toEqual(weights(frozen));
    await session.setLearningRate(0.05);
    await session.step();
    expect(weights(await session.snapshot())).not.toEqual(weights(frozen));
    await expect(session.setLearningRate(-1)).rejects.toThrow(/optimizer\.lr/);
    await session.destroy();
  });

  test('switching the rule keeps the weights and training goes on; impossible switches are refused', async () => {
    const session = new RunSession(host());
    const log = record(session);
    await session.start(spec({}, { rule: 'bp', optimizer: { lr: 0.05 } }));
    await session.step();
    await session.step();
    const before = await session.snapshot();
    await session.switchRule('wm', { coefficients: { amp: 0.01, decay: 0.01 } });
    expect(log.events.find((e) => e.type === 'settings')).toMatchObject({ settings: { rule: 'wm', lr: 0.05, coefficients: { amp: 0.01, decay: 0.01 } } });
    const after = await session.snapshot();
    expect(weights(after)).toEqual(weights(before));
    expect(after.position).toEqual(before.position);
    await expect(session.switchRule('surrogate-fa')).rejects.toThrow(ConfigError);
    await expect(session.setCoefficients({ amp: 0.02 })).resolves.toBeUndefined();
    const done = log.next('phase', (e) => e.phase === 'finished');
    await session.play();
    await done;
    const losses = log.metrics().filter((r) => Number.isFinite(r.trainLoss)).map((r) => r.trainLoss);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    await session.destroy();
  });

  test('a spiking run switches between surrogate rules, keeping W and its step', async () => {
    const session = new RunSession(host());
    const log = record(session);
    await session.start({
      dataset: { kind: 'given', dataset: tiny },
      network: { kind: 'spiking', config: { rule: 'surrogate-bp', hidden: [8], steps: 4, batchSize: 8, seed: 2 } },
      metricsEvery: 2,
    });
    await session.step();
    const before = await session.snapshot();
    await session.switchRule('surrogate-fa');
    const after = await session.snapshot();
    expect(after.config.rule).toBe('surrogate-fa');
    expect(weights(after)).toEqual(weights(before));
    expect(after.position).toEqual(before.position);
    expect(after.buffers['layer2.B']).toBeDefined();
    await session.step();
    expect(log.metrics().at(-1)!.step).toBe(4);
    await expect(session.switchRule('fa')).rejects.toThrow(/rule for rate networks/);
    await expect(session.switchRule('tssl-bp')).rejects.toThrow(/only the surrogate-gradient rules/);
    await expect(session.setCoefficients({ amp: 1 })).rejects.toThrow(/no regulariser coefficients/);
    await session.destroy();
  });

  test('divergence pauses with advice, and rewind goes back to before it', async () => {
    const session = new RunSession(host());
    const log = record(session);
    await session.start(spec({ epochs: undefined }, { rule: 'bp', optimizer: { method: 'sgd', lr: 1e4 } }));
    const diverged = log.next('diverged');
    const paused = log.next('paused', (e) => e.reason === 'diverged');
    await session.play();
    const d = await diverged;
    await paused;
    expect(session.phase).toBe('paused');
    expect(d.lr).toBe(1e4);
    expect(d.suggestedLr).toBe(3000);
    expect(d.message).toMatch(/training is paused\. Lower the learning rate \(now 10000; try 3000\), then rewind to step 0 or reset\./);
    await session.setLearningRate(0.01);
    const step = await session.rewind();
    expect(step).toBe(0);
    expect(log.events.some((e) => e.type === 'rewound' && e.step === 0)).toBe(true);
    log.clear();
    await session.step();
    await session.step();
    expect(log.metrics().every((r) => !r.diverged && Number.isFinite(r.trainLoss))).toBe(true);
    await session.destroy();
  });

  test('a lost device is replaced and the run continues from its snapshot to the same end', async () => {
    // Long enough that the loss always comes before the end, however late the snapshot at step 6 arrives.
    const long = { epochs: 20 };
    const clean = new RunSession(host());
    const cleanLog = record(clean);
    await clean.start(spec(long));
    const cleanDone = cleanLog.next('phase', (e) => e.phase === 'finished');
    await clean.play();
    await cleanDone;
    const expected = await clean.snapshot();
    await clean.destroy();

    const session = new RunSession(host());
    const log = record(session);
    await session.start(spec({ ...long, snapshotEverySec: 0.01 }));
    const snapshotted = log.next('snapshot', (e) => e.step >= 6);
    await session.play();
    await snapshotted;
    const lost = log.next('device-lost');
    const recovered = log.next('recovered');
    const done = log.next('phase', (e) => e.phase === 'finished');
    const first = session.context!;
    first.device.destroy();
    const l = await lost;
    expect(l.reason).toBe('destroyed');
    const r = await recovered;
    expect(r.step).toBe(l.snapshotStep);
    expect(r.message).toMatch(/new device from the snapshot at step/);
    expect(session.context).not.toBe(first);
    await done; // it was playing, so it resumes
    const end = await session.snapshot();
    expect(end.position).toEqual(expected.position);
    for (const [name, values] of Object.entries(expected.buffers)) expect(end.buffers[name], name).toEqual(values);

    // Lost while paused: recovered, and still paused.
    await session.reset();
    await session.step();
    await session.snapshot();
    const again = log.next('recovered');
    session.context!.device.destroy();
    expect((await again).step).toBe(2);
    expect(session.phase).toBe('paused');
    await session.step();
    await session.destroy();
  });

  test('bad settings and commands out of turn are refused with a message', async () => {
    const session = new RunSession(host());
    const log = record(session);
    await expect(session.play()).rejects.toThrow(/has no run yet; call start\(\)/);
    await expect(session.start(spec({}, { hidden: [0] }))).rejects.toThrow(/hidden\[0\]: must be a whole number/);
    expect(session.phase).toBe('failed');
    expect(log.events.find((e) => e.type === 'error')).toMatchObject({ error: { code: 'config', name: 'ConfigError', field: 'hidden[0]' } });
    await expect(session.start(spec({ stepsPerChunk: 0 }))).rejects.toThrow(/stepsPerChunk/);
    await expect(session.start({ ...spec(), dataset: { kind: 'named', name: 'cifar' } })).rejects.toThrow(/unknown dataset/);
    await session.destroy();
    await expect(session.step()).rejects.toThrow(/is destroyed/);
  });
});
