import { DynamicModule, Global, Module } from '@nestjs/common';
import { createPinoLogger, PinoLoggerService } from './pino-logger.service';

export interface LoggingOptions {
  app: string;
  level: string;
}

// One pino logger per app, exposed as Nest's LoggerService (apps call app.useLogger with it). HTTP access
// lines come from registerHttpLogging; RMQ message lines from the ack interceptor.
@Global()
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    const provider = { provide: PinoLoggerService, useFactory: () => new PinoLoggerService(createPinoLogger(options.app, options.level)) };
    return { module: LoggingModule, providers: [provider], exports: [provider] };
  }
}
