import { ErrorCode } from './error-codes';

export interface ErrorPayload {
  // An ErrorCode when this process made it; a payload read off the wire may carry any string.
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

// Domain errors are data: services throw these, never HTTP exceptions.
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }

  static isPayload(value: unknown): value is ErrorPayload {
    return typeof value === 'object' && value !== null && typeof (value as ErrorPayload).code === 'string' && typeof (value as ErrorPayload).message === 'string';
  }
}

// Marks a failure worth retrying (a dependency blip), as opposed to a poison message.
export class TransientError extends Error {
  readonly transient = true;
}
