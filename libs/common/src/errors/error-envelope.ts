import { currentRequestId } from '../logging/request-context';
import { ErrorPayload } from './domain.error';

export interface ErrorEnvelope {
  data: null;
  error: ErrorPayload & { timestamp: string; request_id: string };
}

export function errorEnvelope(payload: ErrorPayload, requestId: string | undefined): ErrorEnvelope {
  return {
    data: null,
    error: {
      code: payload.code,
      message: payload.message,
      ...(payload.details ? { details: payload.details } : {}),
      timestamp: new Date().toISOString(),
      request_id: requestId ?? currentRequestId() ?? '',
    },
  };
}
