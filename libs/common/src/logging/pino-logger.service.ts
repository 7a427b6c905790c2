import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { activeTraceIds } from '../tracing/message-trace';
import { currentRequestId } from './request-context';

export function createPinoLogger(app: string, level: string): Logger {
  return pino({
    level,
    base: { app },
    messageKey: 'message',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    // Every line written while handling a request or a message carries its id, and inside a span its trace_id and
    // span_id (nothing when tracing is off: the API's no-op context has no span).
    mixin: () => {
      const requestId = currentRequestId();
      const ids = activeTraceIds();
      return requestId ? { request_id: requestId, ...ids } : ids;
    },
    redact: ['authorization', 'password', '*.password', 'refresh_token', '*.refresh_token'],
  });
}

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

// Nest's LoggerService over one pino instance: JSON lines, the Nest context as `context`, objects merged in.
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  // Nest passes the context last; an error's stack may come before it.
  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (typeof params[0] === 'string' && level === 'error' && params[0].includes('\n    at ')) fields.stack = params.shift();
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message }, typeof params[0] === 'string' ? params[0] : undefined);
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
