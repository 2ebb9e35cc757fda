// The page's handle on an engine running in a module worker. It has the
// RunController surface, the same as RunSession's, so a page can use either:
// each call is a message with an id, settled by the worker's reply; events
// arrive as they happen. Errors keep the engine's code, name and message.
import type { Coefficients } from '../engine/rules/rule';
import type { InspectRequest, InspectResult } from '../engine/session/inspection';
import type { RunController, StartOptions } from '../engine/session/run-controller';
import { type SessionEvent, SessionError, type SessionInfo, type SessionListener } from '../engine/session/session-events';
import type { SessionSpec } from '../engine/session/session-spec';
import type { TrainerSnapshot } from '../engine/session/trainer-snapshot';
import type { RuleSwitchOptions } from '../engine/training/trainer';
import { type Command, type CommandName, type CommandResults, type FromWorker, PROTOCOL_VERSION, type ToWorker } from './protocol';

/** What the client needs of a worker; a real Worker is one. */
export interface WorkerLike {
  postMessage(message: ToWorker): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export interface EngineClientOptions {
  /** Where the worker fetches the shipped datasets (public/datasets as served), absolute or relative to the page. */
  datasetsUrl: string;
  /** A worker to talk to instead of a new module worker (tests, or one made elsewhere). */
  worker?: WorkerLike;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class EngineClient implements RunController {
  private readonly worker: WorkerLike;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private listeners = new Set<SessionListener>();
  /** Set once the worker is gone: every later call fails with it. */
  private closed: SessionError | null = null;

  constructor(options: EngineClientOptions) {
    this.worker = options.worker ?? new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event) => this.receive(event.data as FromWorker);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.close(`The engine worker failed (${event.message || 'it could not be loaded'}). Reload the page; if it happens again, use a browser with WebGPU in workers (Chrome or Edge 113+, Safari 26+, Firefox 141+ on Windows).`);
    };
    const datasetsUrl = typeof document === 'undefined' ? options.datasetsUrl : new URL(options.datasetsUrl, document.baseURI).href;
    this.worker.postMessage({ v: PROTOCOL_VERSION, type: 'init', datasetsUrl });
  }

  onEvent(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(spec: SessionSpec, options: StartOptions = {}): Promise<SessionInfo> {
    return this.call({ name: 'start', spec, options });
  }

  play(): Promise<void> {
    return this.call({ name: 'play' });
  }

  pause(): Promise<void> {
    return this.call({ name: 'pause' });
  }

  step(): Promise<void> {
    return this.call({ name: 'step' });
  }

  reset(): Promise<void> {
    return this.call({ name: 'reset' });
  }

  rewind(): Promise<number> {
    return this.call({ name: 'rewind' });
  }

  restore(snapshot: TrainerSnapshot): Promise<number> {
    return this.call({ name: 'restore', snapshot });
  }

  setLearningRate(lr: number): Promise<void> {
    return this.call({ name: 'setLearningRate', lr });
  }

  setCoefficients(coefficients: Coefficients): Promise<void> {
    return this.call({ name: 'setCoefficients', coefficients });
  }

  switchRule(rule: string, options?: RuleSwitchOptions): Promise<void> {
    return this.call({ name: 'switchRule', rule, options });
  }

  inspect(request: InspectRequest): Promise<InspectResult> {
    return this.call({ name: 'inspect', request });
  }

  snapshot(): Promise<TrainerSnapshot> {
    return this.call({ name: 'snapshot' });
  }

  simulateDeviceLoss(): Promise<void> {
    return this.call({ name: 'simulateDeviceLoss' });
  }

  /** Destroys the session in the worker, then the worker itself. */
  async destroy(): Promise<void> {
    if (this.closed) return;
    try {
      await this.call({ name: 'destroy' });
    } finally {
      this.worker.terminate();
      this.close('The engine worker was shut down; create a new EngineClient.', false);
      this.listeners.clear();
    }
  }

  private call<N extends CommandName>(command: Extract<Command, { name: N }>): Promise<CommandResults[N]> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise<CommandResults[N]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ v: PROTOCOL_VERSION, type: 'command', id, command });
    });
  }

  private receive(m: FromWorker): void {
    if (m?.v !== PROTOCOL_VERSION) {
      this.close(`The engine worker speaks protocol ${String(m?.v)} and this page ${PROTOCOL_VERSION}; reload the page so that both come from the same build.`);
      return;
    }
    if (m.type === 'event') {
      this.emit(m.event);
      return;
    }
    if (m.id === undefined) {
      this.close(m.type === 'protocol-error' ? m.message : 'The engine worker sent a reply without an id; reload the page.');
      return;
    }
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (!p) return;
    if (m.type === 'protocol-error') p.reject(new SessionError({ code: 'internal', name: 'ProtocolError', message: m.message }));
    else if (m.ok) p.resolve(m.value);
    else p.reject(new SessionError(m.error));
  }

  /** The worker is gone: every call waiting and to come fails with `message`, also sent as an error event. */
  private close(message: string, report = true): void {
    if (this.closed) return;
    this.closed = new SessionError({ code: 'internal', name: 'EngineWorkerError', message });
    for (const p of this.pending.values()) p.reject(this.closed);
    this.pending.clear();
    if (report) this.emit({ type: 'error', error: { code: 'internal', name: 'EngineWorkerError', message } });
  }

  private emit(event: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}
