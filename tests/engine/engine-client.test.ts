// The page's EngineClient against the worker's endpoint, joined in-process by
// structured clones in both directions (what postMessage does): commands,
// replies, events, typed errors, and versions that do not match.
import { describe, expect, test } from 'vitest';
import { nodeFileSource } from '../../src/engine/data/node-source';
import { nodeGpu } from '../../src/engine/device/node-gpu';
import { RunSession } from '../../src/engine/session/run-session';
import { type SessionEvent, SessionError } from '../../src/engine/session/session-events';
import { EngineClient, type WorkerLike } from '../../src/worker/engine-client';
import { type FromWorker, PROTOCOL_VERSION } from '../../src/worker/protocol';
import { serveSession } from '../../src/worker/session-endpoint';
import { syntheticDataset } from './synthetic-data';

/** A worker in this process: messages are cloned and delivered on later tasks, in order. */
function inProcessWorker() {
  const seen = { datasetsUrl: '', terminated: false };
  const worker: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (m) => setTimeout(() => void handle(structuredClone(m))),
    terminate: () => (seen.terminated = true),
  };
  const handle = serveSession(
    (m) => setTimeout(() => worker.onmessage?.({ data: structuredClone(m) } as MessageEvent)),
    (url) => {
      seen.datasetsUrl = url;
      return new RunSession({ gpu: nodeGpu(), source: nodeFileSource('public/datasets') });
    },
  );
  return { worker, seen };
}

describe('engine client and worker endpoint', () => {
  test('drive a session through messages, with events, results and typed errors', async () => {
    const { worker, seen } = inProcessWorker();
    const client = new EngineClient({ datasetsUrl: 'https://example.org/datasets/', worker });
    const events: SessionEvent[] = [];
    client.onEvent((e) => events.push(e));
    const finished = new Promise<void>((resolve) => client.onEvent((e) => e.type === 'phase' && e.phase === 'finished' && resolve()));

    const info = await client.start({
      dataset: { kind: 'given', dataset: syntheticDataset(16, 3, 48, 12) },
      network: { kind: 'rate', config: { rule: 'fa', hidden: [8], batchSize: 8 } },
      epochs: 2,
      metricsEvery: 2,
    });
    expect(seen.datasetsUrl).toBe('https://example.org/datasets/');
    expect(info).toMatchObject({ kind: 'rate', sizes: [16, 8, 3], stepsPerEpoch: 6, totalSteps: 12 });
    await client.setLearningRate(0.02);
    await client.play();
    await finished;
    const steps = events.flatMap((e) => (e.type === 'metrics' ? [e.record.step] : []));
    expect(steps).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(events.some((e) => e.type === 'settings' && e.settings.lr === 0.02)).toBe(true);

    const snap = await client.snapshot();
    expect(snap.buffers['layer1.W']).toBeInstanceOf(Float32Array);
    expect(snap.position.step).toBe(12);

    const refused = await client.switchRule('surrogate-fa').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SessionError);
    expect(refused).toMatchObject({ code: 'config', name: 'ConfigError', field: 'rule' });
    expect((refused as Error).message).toMatch(/trains spiking neurons and this is a rate network/);

    await client.destroy();
    expect(seen.terminated).toBe(true);
    await expect(client.play()).rejects.toThrow(/engine worker was shut down/);
  });

  test('messages of another protocol version are refused with a message on both sides', async () => {
    const posted: FromWorker[] = [];
    const handle = serveSession((m) => posted.push(m), () => {
      throw new Error('not reached');
    });
    await handle({ v: 99, type: 'command', id: 7, command: { name: 'play' } });
    expect(posted[0]).toMatchObject({ type: 'protocol-error', id: 7, v: PROTOCOL_VERSION });
    expect((posted[0] as { message: string }).message).toMatch(/speaks protocol 1 but was sent 99; reload the page/);
    await handle({ v: PROTOCOL_VERSION, type: 'command', id: 8, command: { name: 'play' } });
    expect(posted[1]).toMatchObject({ type: 'result', id: 8, ok: false, error: { code: 'config' } });

    // A worker from another build: the client fails what waits, and says so.
    const worker: WorkerLike = { onmessage: null, onerror: null, postMessage: () => undefined, terminate: () => undefined };
    const client = new EngineClient({ datasetsUrl: '/datasets/', worker });
    const errors: SessionEvent[] = [];
    client.onEvent((e) => errors.push(e));
    const waiting = client.play();
    worker.onmessage!({ data: { v: 2, type: 'event', event: { type: 'phase', phase: 'ready' } } } as MessageEvent);
    await expect(waiting).rejects.toThrow(/speaks protocol 2 and this page 1/);
    expect(errors).toMatchObject([{ type: 'error', error: { name: 'EngineWorkerError' } }]);
  });
});
