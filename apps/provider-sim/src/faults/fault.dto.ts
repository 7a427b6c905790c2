import { z } from 'zod';

// What a fault does to the next /feed responses (the body of PUT /admin/faults, or PROVIDER_SIM_FAULT*):
//   latency       wait latency_ms, then answer normally
//   server_error  a 5xx (status, default 503), Retry-After when retry_after_s is given
//   rate_limit    429 with Retry-After (retry_after_s, default 1)
//   hang          accept the request and never answer, until the client gives up
//   stall         send the headers and half the body, then nothing until the client gives up
//   malformed     200 with XML that is not well-formed
//   truncated     200 promising the whole body's Content-Length, then the socket closes halfway
//   empty         200 with a well-formed feed whose <output> is empty
// latency_ms also delays every other mode; times = only the next N feed requests, then the fault is off.
export const FAULT_MODES = ['latency', 'server_error', 'rate_limit', 'hang', 'stall', 'malformed', 'truncated', 'empty'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export const MAX_LATENCY_MS = 600_000;

export const faultSpecSchema = z
  .object({
    mode: z.enum(FAULT_MODES),
    latency_ms: z.number().int().min(0).max(MAX_LATENCY_MS).optional(),
    status: z.number().int().min(500).max(599).optional(),
    retry_after_s: z.number().int().min(0).max(86_400).optional(),
    times: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .superRefine((fault, ctx) => {
    if (fault.mode === 'latency' && fault.latency_ms === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['latency_ms'], message: 'is required when mode is latency' });
    }
    if (fault.status !== undefined && fault.mode !== 'server_error') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['status'], message: 'applies only to mode server_error' });
    }
    if (fault.retry_after_s !== undefined && fault.mode !== 'rate_limit' && fault.mode !== 'server_error') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['retry_after_s'], message: 'applies only to modes rate_limit and server_error' });
    }
  });

export type FaultSpec = z.infer<typeof faultSpecSchema>;

// A fault as GET /admin/faults shows it: remaining is how many feed requests it still applies to (null: all).
export interface FaultView extends FaultSpec {
  remaining: number | null;
}
