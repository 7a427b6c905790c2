import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { eventually } from './eventually';

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number; // OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}

// OTLP/JSON ids are hex; protobuf's JSON mapping would be base64: accept both.
function hexId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

function attributesOf(list: OtlpKeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue]));
}

// A small OTLP/HTTP receiver (JSON protocol) on loopback: what the apps export, kept for assertions.
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  // Every request that reached the port, whatever its path or body.
  requests = 0;
  private server?: Server;

  constructor(private readonly port = 0) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', resolve);
    });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.url !== '/v1/traces' || !String(request.headers['content-type']).startsWith('application/json')) {
      response.writeHead(415).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      resourceSpans?: Array<{ resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }>;
    };
    for (const resourceSpans of body.resourceSpans ?? []) {
      const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            service,
            traceId: hexId(span.traceId as string)!,
            spanId: hexId(span.spanId as string)!,
            parentSpanId: hexId(span.parentSpanId as string | undefined),
            name: span.name as string,
            kind: Number(span.kind),
            startNs: BigInt(span.startTimeUnixNano as string),
            endNs: BigInt(span.endTimeUnixNano as string),
            attributes: attributesOf(span.attributes as OtlpKeyValue[]),
            links: ((span.links as Array<{ traceId: string; spanId: string }>) ?? []).map((link) => ({ traceId: hexId(link.traceId)!, spanId: hexId(link.spanId)! })),
          });
        }
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  // Waits until `predicate` holds over the spans received so far; returns its value.
  async waitFor<T>(predicate: (spans: ReceivedSpan[]) => T | undefined, timeoutMs = 15_000): Promise<T> {
    return eventually(() => {
      const found = predicate(this.spans);
      if (found === undefined || found === false) throw new Error(`not received yet (${this.spans.length} spans so far)`);
      return found;
    }, timeoutMs);
  }
}

export function parentOf(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan | undefined {
  return spans.find((candidate) => candidate.spanId === span.parentSpanId);
}

// One trace as an indented tree: service, span name, duration. Spans whose parent is not in the trace are roots.
export function traceTree(spans: ReceivedSpan[]): string {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = (parent?: string) =>
    spans.filter((span) => (parent ? span.parentSpanId === parent : !span.parentSpanId || !ids.has(span.parentSpanId))).sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
  const lines: string[] = [];
  const walk = (span: ReceivedSpan, depth: number) => {
    const ms = Number(span.endNs - span.startNs) / 1e6;
    lines.push(`${'  '.repeat(depth)}${span.service}: ${span.name} (${ms.toFixed(1)} ms)`);
    for (const child of children(span.spanId)) walk(child, depth + 1);
  };
  for (const root of children()) walk(root, 0);
  return lines.join('\n');
}
