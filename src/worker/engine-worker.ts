// The module worker that runs the engine: its own WebGPU device (navigator.gpu
// inside the worker) and datasets fetched here from the URL the page passes,
// so training never competes with the page's thread. All logic lives in
// RunSession; this file only connects it to the worker's messages.
import { fetchSource } from '../engine/data/loader';
import { RunSession } from '../engine/session/run-session';
import type { FromWorker } from './protocol';
import { serveSession } from './session-endpoint';

/** The parts of a dedicated worker's global scope used here (the project compiles against the DOM's types). */
interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = self as unknown as WorkerScope;
const handle = serveSession(
  (message) => scope.postMessage(message),
  (datasetsUrl) => new RunSession({ gpu: navigator.gpu, source: fetchSource(datasetsUrl) }),
);
scope.onmessage = (event) => void handle(event.data);
