import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { IncomingMessage } from 'node:http';
import { currentRequestId, REQUEST_ID_HEADER, saneRequestId } from './request-context';

export interface LoggingOptions {
  app: string;
  level: string;
}

// JSON logs; every line carries the request id of the HTTP request or RMQ message being handled.
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: options.level,
            base: { app: options.app },
            messageKey: 'message',
            timestamp: () => `,"time":"${new Date().toISOString()}"`,
            formatters: { level: (label) => ({ level: label }) },
            mixin: () => {
              const requestId = currentRequestId();
              return requestId ? { request_id: requestId } : {};
            },
            genReqId: (req: IncomingMessage) => saneRequestId(req.headers[REQUEST_ID_HEADER]),
            customProps: (req: IncomingMessage) => ({ request_id: String(req.id ?? '') }),
            autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '') },
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ status: res.statusCode }),
            },
            redact: ['req.headers.authorization', 'req.headers.cookie'],
          },
        }),
      ],
    };
  }
}
