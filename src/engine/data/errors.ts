import { PlasticityError } from '../errors';

// A dataset file that cannot be used; the message says which file, what is wrong and what to do.
export class DatasetError extends PlasticityError {
  constructor(
    readonly fileName: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super('dataset', `${fileName}: ${problem}`);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
