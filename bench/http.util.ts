export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown; // parsed JSON, else the text
}

// One request outside the measured runs (setup, probes). A body is sent as JSON unless the headers name a type.
export async function call(method: string, url: string, headers: Record<string, string> = {}, body?: unknown): Promise<Reply> {
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  const response = await fetch(url, {
    method,
    headers: body === undefined || hasType ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

export function expectStatus(label: string, reply: Reply, status: number): void {
  if (reply.status !== status) throw new Error(`${label}: expected HTTP ${status}, got ${reply.status}: ${reply.text.slice(0, 500)}`);
}
