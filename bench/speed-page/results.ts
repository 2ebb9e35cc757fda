// What the speed page (main.ts) and the first-step measurement of the app page
// return to bench/speed-browser.ts, and through it to speed.json. Types only:
// imported by the page and by the Node side alike.

export interface AdapterFields {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface PeerOptions {
  /** Timed steps per measurement, after `warmup` untimed ones. */
  steps: number;
  warmup: number;
  /** Measurements of each (framework, rule); the table shows their median. */
  rounds: number;
  batch: number;
  lr: number;
}

/** One framework's rate for one rule: the median of its rounds, and each round. */
export interface FrameworkRate {
  samplesPerSec: number;
  msPerStep: number;
  roundsSamplesPerSec: number[];
}

export interface PeerRate {
  rule: 'bp' | 'fa';
  engine: FrameworkRate;
  tfjs: FrameworkRate;
  /** engine / tfjs samples per second. */
  ratio: number;
  /** TensorFlow.js's loss on its first batch before and after its last measurement: it trains. */
  tfjsLoss: { before: number; after: number };
}

/** The engine alone in this page's main thread: fresh device, MNIST (from the HTTP cache), default network's pipelines, one step. */
export interface EngineFirstStep {
  datasetSec: number;
  deviceSec: number;
  /** The dataset written to GPU buffers (queue.writeBuffer). */
  uploadSec: number;
  /** Trainer.create: every pipeline compiled (createComputePipelineAsync). */
  compileSec: number;
  /** One training step, waited for on the GPU. */
  stepSec: number;
  totalSec: number;
  /** Animation frames while the pipelines compiled: the longest gap between two. */
  longestFrameGapMs: number;
}

export interface PeerReport {
  options: PeerOptions;
  network: string;
  userAgent: string;
  /** The adapter each framework asked for (navigator.gpu, high-performance); TF.js keeps vendor and architecture only. */
  engineAdapter: AdapterFields;
  tfjsAdapter: { vendor: string; architecture: string };
  tfjsVersion: string;
  engineFirstStep: EngineFirstStep;
  rates: PeerRate[];
  /** What the engine's device binds per shader stage: it decides which updates fuse. */
  storageBuffersPerStage: number;
  /** Dispatches one training step of each rate rule records on this device (the MLP, batch `options.batch`). */
  dispatchesPerStep: Array<{ rule: string; dispatches: number }>;
}

/** Time from navigating to the app to its first training step, from the page's own clock (performance.now(), 0 = navigation). */
export interface FirstStepPage {
  preset: string;
  /** The page's modules ran and Step became enabled (WebGPU check done). */
  readyMs: number;
  /** Step pressed (right when enabled); the worker starts, loads the dataset, builds the trainer. */
  loadingMs: number | null;
  /** Dataset loaded; device and pipelines next. */
  preparingMs: number | null;
  /** The trainer exists: pipelines compiled, the step-0 evaluation queued behind the first step. */
  sessionReadyMs: number | null;
  /** The first record of a training step arrived (after `firstStep` steps). */
  firstStepMs: number;
  firstStep: number;
  /** The untrained network's test record (step 0) arrived. */
  stepZeroMs: number | null;
  /** The dataset's bytes came from the HTTP cache (or a 304), not the network. */
  datasetCached: boolean;
  datasetRequests: Array<{ url: string; status: number; fromCache: boolean }>;
  /** Animation frames between Step and the first record: the longest gap between two, and the rate. */
  frames: { count: number; longestGapMs: number; perSecond: number; longestGapWhileCompilingMs: number | null };
}
