import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../engine/session/session-events';
import type { MetricsRecord } from '../../engine/training/trainer';
import { errorReport, layerRows, noticeOf, pausedStatus, summaryOf, trainingStatus } from './run-messages';

const record = (step: number, testAcc: number | null): MetricsRecord => ({
  step, epoch: 0, trainLoss: 0.5, trainAcc: 0.75, testLoss: null, testAcc, samplesPerSec: 100, elapsedSec: 2.25, diverged: false,
  layers: [{ layer: 1, weightAngle: 80, gradientAngle: 40, bpAngle: null, weightNorm: null, feedbackNorm: null }],
});

const info = { adapter: 'gpu', stepsPerEpoch: 10, totalSteps: 30 } as SessionInfo;

describe('run messages', () => {
  it('says where a run stands', () => {
    const records = [record(0, 0.1), record(10, 0.8), record(12, null)];
    expect(trainingStatus(records[2]!, info).text).toBe('Training on gpu: epoch 2 of 3, step 12.');
    expect(pausedStatus(12, 'user', records, 3)?.text).toBe('Paused at step 12: test accuracy 80.0%.');
    expect(pausedStatus(30, 'finished', records, 3)?.text).toBe('Finished 3 epochs in 2.3 s: test accuracy 80.0%. Reset to train again.');
    expect(pausedStatus(12, 'diverged', records, 3)).toBeNull();
    expect(summaryOf(records, info)).toEqual({ step: 12, totalSteps: 30, trainLoss: 0.5, trainAcc: 0.75, testAcc: 0.8, samplesPerSec: 100 });
    expect(layerRows(records[0])).toEqual([{ layer: 1, weightAngle: 80, gradientAngle: 40 }]);
  });

  it('turns a divergence into a notice with its one-click fix, and a device loss into its recovery', () => {
    const diverged = noticeOf({ type: 'diverged', step: 40, loss: Number.NaN, lr: 0.3, suggestedLr: 0.1, rewindStep: 32, message: 'It blew up.' });
    expect(diverged).toMatchObject({ id: 'diverged', kind: 'error', lines: ['It blew up.'], action: { name: 'rewind-lower', label: 'Rewind to step 32 with learning rate 0.1' } });
    const own = noticeOf({ type: 'diverged', step: 40, loss: 99, lr: null, suggestedLr: null, rewindStep: null, message: 'x' });
    expect(own?.action).toBeUndefined();
    expect(noticeOf({ type: 'device-lost', reason: 'unknown', message: 'Lost.', snapshotStep: 20 })?.lines[1]).toBe('Recovering on a new device from the snapshot at step 20…');
    expect(noticeOf({ type: 'recovered', step: 20, adapter: 'gpu', message: 'Back.' })).toMatchObject({ id: 'device', kind: 'info' });
  });

  it('names the limit of a refused network, and marks a refused setting at its control', () => {
    const limit = errorReport({ code: 'gpu-limit', name: 'GpuLimitError', message: "A network needs 2.00 GiB but this device's maxBufferSize is 256.0 MiB." });
    expect(limit.notice.title).toBe('Too large for this GPU');
    expect(limit.setting).toBeNull();
    const batch = errorReport({ code: 'config', name: 'ConfigError', field: 'batchSize', message: 'batchSize: is 128 but the training set has only 32 examples.' });
    expect(batch.setting).toBe('batchSize');
    expect(batch.settingMessage).toBe('Is 128 but the training set has only 32 examples.');
  });
});
