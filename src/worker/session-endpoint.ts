// The worker's side of the protocol, kept apart from the worker global so
// that tests in Node can drive it: `init` makes the session, each command
// calls the RunSession method of the same name, and every event is posted.
import { ConfigError } from '../engine/errors';
import type { RunController } from '../engine/session/run-controller';
import { errorInfo } from '../engine/session/session-events';
import { type Command, type FromWorker, PROTOCOL_VERSION, type ToWorker } from './protocol';

/** A handler of raw incoming messages; it answers through `post`. */
export function serveSession(post: (message: FromWorker) => void, makeSession: (datasetsUrl: string) => RunController): (message: unknown) => Promise<void> {
  const v = PROTOCOL_VERSION;
  let session: RunController | null = null;
  return async (raw) => {
    const m = raw as Partial<ToWorker> | null;
    const id = typeof (m as { id?: unknown } | null)?.id === 'number' ? (m as { id: number }).id : undefined;
    if (m?.v !== PROTOCOL_VERSION) {
      post({ v, type: 'protocol-error', id, message: `The engine worker speaks protocol ${v} but was sent ${String(m?.v)}; reload the page so that both come from the same build.` });
      return;
    }
    if (m.type === 'init' && typeof m.datasetsUrl === 'string') {
      if (session) return post({ v, type: 'protocol-error', message: 'The engine worker was initialised twice; make one EngineClient per worker.' });
      session = makeSession(m.datasetsUrl);
      session.onEvent((event) => post({ v, type: 'event', event }));
      return;
    }
    if (m.type !== 'command' || id === undefined || typeof m.command?.name !== 'string') {
      return post({ v, type: 'protocol-error', id, message: `The engine worker cannot read a message of type ${String(m.type)}; reload the page.` });
    }
    try {
      if (!session) throw new ConfigError('session', 'the engine worker has not been initialised; the client sends init first.');
      const value = await call(session, m.command);
      post({ v, type: 'result', id, ok: true, value: value as never });
    } catch (e) {
      post({ v, type: 'result', id, ok: false, error: errorInfo(e) });
    }
  };
}

function call(s: RunController, c: Command): Promise<unknown> {
  switch (c.name) {
    case 'start':
      return s.start(c.spec, c.options);
    case 'play':
      return s.play();
    case 'pause':
      return s.pause();
    case 'step':
      return s.step();
    case 'reset':
      return s.reset();
    case 'rewind':
      return s.rewind();
    case 'restore':
      return s.restore(c.snapshot);
    case 'setLearningRate':
      return s.setLearningRate(c.lr);
    case 'setCoefficients':
      return s.setCoefficients(c.coefficients);
    case 'switchRule':
      return s.switchRule(c.rule, c.options);
    case 'inspect':
      return s.inspect(c.request);
    case 'snapshot':
      return s.snapshot();
    case 'simulateDeviceLoss':
      return s.simulateDeviceLoss();
    case 'destroy':
      return s.destroy();
    default:
      throw new ConfigError('command', `unknown command "${(c as { name: string }).name}"; the page and the worker come from different builds: reload the page.`);
  }
}
