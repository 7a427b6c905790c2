import { Agent, request } from 'node:http';

export interface PacedLoadOptions {
  url: string; // http only
  method: string;
  headers: Record<string, string>;
  body: (index: number) => string; // a fresh body per request (unique ids)
  path?: (index: number) => string; // a path (with query) per request; default: the url's
  ratePerSecond: number;
  durationS: number;
  maxInFlight: number; // connections; a request due while all are busy waits for one (and its latency shows it)
  timeoutMs: number;
}

export interface PacedLoadResult {
  due: number; // requests the rate asked for within the duration
  sent: number;
  statuses: Record<number, number>;
  errors: number;
  firstError?: string;
  elapsedS: number; // first send to last response
  latencyP50Ms: number;
  latencyP99Ms: number;
}

// Open-loop load at a steady rate: request i is due at start + i/rate and is sent then (or as soon as a connection
// frees up), unlike autocannon's overallRate, which sends each second's quota in a burst at the start of the
// second. Latency counts from the due time, so a server that falls behind cannot hide it (no coordinated omission).
export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxInFlight });
  const total = Math.round(options.ratePerSecond * options.durationS);
  const intervalMs = 1000 / options.ratePerSecond;
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let sent = 0;
  let inFlight = 0;
  let lastResponseAt = 0;
  const start = performance.now();

  const send = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const dueAt = start + index * intervalMs;
      const body = options.body(index);
      const finish = (status?: number, error?: string) => {
        lastResponseAt = performance.now();
        if (status !== undefined) {
          statuses[status] = (statuses[status] ?? 0) + 1;
          latencies.push(lastResponseAt - dueAt);
        } else {
          errors += 1;
          firstError ??= error;
        }
        resolve();
      };
      const outgoing = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: options.path?.(index) ?? `${target.pathname}${target.search}`,
          method: options.method,
          headers: { ...options.headers, 'content-length': Buffer.byteLength(body) },
          timeout: options.timeoutMs,
        },
        (response) => {
          response.resume(); // the body is not needed, only the status
          response.once('end', () => finish(response.statusCode ?? 0));
          response.once('error', (error) => finish(undefined, error.message));
        },
      );
      outgoing.once('timeout', () => outgoing.destroy(new Error(`no response within ${options.timeoutMs} ms`)));
      outgoing.once('error', (error) => finish(undefined, error.message));
      outgoing.end(body);
    });

  const pending: Promise<void>[] = [];
  await new Promise<void>((done) => {
    const pump = () => {
      const now = performance.now();
      // Past the duration nothing more is sent: a backlog the server could not take is dropped, not caught up.
      const late = now - start >= options.durationS * 1000;
      const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
      while (!late && sent < due && inFlight < options.maxInFlight) {
        inFlight += 1;
        pending.push(
          send(sent).then(() => {
            inFlight -= 1;
            pump();
          }),
        );
        sent += 1;
      }
      if (late || sent >= total) {
        clearInterval(timer);
        done();
      }
    };
    // 1 ms ticks: at 1000/s about one request per tick instead of a burst per second.
    const timer = setInterval(pump, 1);
    pump();
  });
  await Promise.all(pending);
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    due: total,
    sent,
    statuses,
    errors,
    firstError,
    elapsedS: (lastResponseAt - start) / 1000,
    latencyP50Ms: at(0.5),
    latencyP99Ms: at(0.99),
  };
}
