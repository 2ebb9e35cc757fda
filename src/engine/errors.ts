// Typed errors: every failure a user can hit says what went wrong and what to do.

export type ErrorCode =
  | 'config'
  | 'dataset'
  | 'gpu-unavailable'
  | 'gpu-limit'
  | 'gpu-validation'
  | 'gpu-out-of-memory'
  | 'gpu-device-lost'
  | 'gpu-internal';

export class PlasticityError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A setting that cannot work; `field` names it (e.g. "hidden[1]" or "learningRate"). */
export class ConfigError extends PlasticityError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('config', `${field}: ${message}`);
  }
}

export class GpuUnavailableError extends PlasticityError {
  constructor(message: string) {
    super('gpu-unavailable', message);
  }
}

/** A request the device cannot hold; raised before anything is allocated. */
export class GpuLimitError extends PlasticityError {
  constructor(
    readonly limit: string,
    readonly requested: number,
    readonly available: number,
    what: string,
  ) {
    super(
      'gpu-limit',
      `${what} needs ${formatBytes(requested)} but this device's ${limit} is ${formatBytes(available)}. ` +
        'Use fewer or narrower layers, or a smaller batch.',
    );
  }
}

export class GpuValidationError extends PlasticityError {
  constructor(message: string) {
    super('gpu-validation', `WebGPU rejected a command: ${message}`);
  }
}

export class GpuOutOfMemoryError extends PlasticityError {
  constructor(message: string) {
    super('gpu-out-of-memory', `The GPU ran out of memory: ${message}. Use a smaller network or batch.`);
  }
}

export class DeviceLostError extends PlasticityError {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super('gpu-device-lost', `The GPU device was lost (${reason}): ${message || 'no details'}. Start again to get a new device.`);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}
