// bench:speed's real-GPU section: no figure on a software adapter, the ratio to
// PyTorch and its verdict on a hardware one, and a clear error for a bad --pytorch file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EngineFigures, type PytorchReport, readPytorchReport, realGpuMarkdown } from '../bench/real-gpu';
import { ConfigError } from '../src/engine/errors';

const dir = mkdtempSync(join(tmpdir(), 'real-gpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PYTORCH: PytorchReport = {
  device: 'NVIDIA H100 80GB HBM3',
  torch: '2.5.1',
  cuda: '12.4',
  network: '784-256-256-10',
  optimizer: 'momentum SGD, lr 0.01, momentum 0.9',
  rates: [
    { batch: 128, steps: 200, samplesPerSec: 400_000, msPerStep: 0.32, loss: { first: 2.3, last: 0.4 } },
    { batch: 1024, steps: 200, samplesPerSec: 2_000_000, msPerStep: 0.51, loss: { first: 2.3, last: 0.5 } },
  ],
};

const hardware: EngineFigures = {
  device: 'NVIDIA H100 80GB HBM3',
  software: false,
  bp: [{ batch: 128, samplesPerSec: 300_000 }, { batch: 1024, samplesPerSec: 900_000 }],
  spiking: { network: '784-1000-10 LIF', batch: 64, steps: 100, neuronStepsPerSec: 6.2e9 },
};

describe('the real-GPU section', () => {
  it('holds no figure on a software adapter, and says why', () => {
    const md = realGpuMarkdown({ ...hardware, device: 'llvmpipe (LLVM 15)', software: true }, PYTORCH).join('\n');
    expect(md).toMatch(/Not measured: no GPU was lent to this session, and this run's adapter is a software one \(llvmpipe/);
    expect(md).not.toMatch(/300\.0k|400\.0k|6\.20/);
    expect(md.match(/not measured: no GPU \|/g)).toHaveLength(2);
  });

  it("sets the engine's bp rate beside PyTorch's with the ratio and verdict per batch", () => {
    const md = realGpuMarkdown(hardware, PYTORCH).join('\n');
    expect(md).toContain('| 128 | 300.0k | 400.0k | 0.75× | ≥ 0.5× | met |');
    expect(md).toContain('| 1024 | 900.0k | 2.0M | 0.45× | ≥ 0.5× | **missed** (0.45×) |');
    expect(md).toContain('6.20×10⁹ neuron-steps/s against ≥ 5×10⁹: met');
  });

  it('without PyTorch, says so rather than inventing a ratio', () => {
    const md = realGpuMarkdown({ ...hardware, spiking: { ...hardware.spiking!, neuronStepsPerSec: 1.5e9 } }, null).join('\n');
    expect(md).toContain("PyTorch's side was not given");
    expect(md).not.toContain('| 128 |');
    expect(md).toContain('**missed** (1.50×10⁹)');
  });
});

describe('--pytorch FILE', () => {
  it('reads what bench/pytorch_mlp.py writes', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, JSON.stringify(PYTORCH));
    expect(readPytorchReport(path).rates.map((r) => r.batch)).toEqual([128, 1024]);
  });

  it('refuses a missing, non-JSON or rate-less file with a message that names it', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"device": "x", "rates": [{"batch": 128}]}');
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'batch 128: 400000 samples/s');
    for (const [path, why] of [[join(dir, 'missing.json'), /cannot read/], [notJson, /is not JSON/], [bad, /lacks a device name or rates/]] as const) {
      const err = (() => {
        try {
          readPytorchReport(path);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message).toContain('bench/pytorch_mlp.py');
    }
  });
});
