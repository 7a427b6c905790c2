import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppProcess, startApp } from '../support/app-process';

const BODY_BYTES = 2 * 1024 * 1024;
const TIMES = 20;

interface Outcome {
  status?: number;
  code?: string;
  error?: string;
}

// One 2 MiB POST with Node's plain http client, written in 64 KiB chunks as fast as the socket takes them, so the
// client is still sending when the gateway answers 413.
function postWithNode(url: string, chunked: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const target = new URL('/api/v1/auth/signup', url);
    const req = request(target, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(BODY_BYTES) }) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, code: (JSON.parse(text) as { error: { code: string } }).error.code });
        } catch {
          resolve({ status: res.statusCode, code: `not an envelope: ${text.slice(0, 80)}` });
        }
      });
      res.on('error', (error) => resolve({ status: res.statusCode, error: error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const pump = () => {
      while (sent < BODY_BYTES) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('oversized bodies (e2e)', () => {
  let gateway: AppProcess;
  let core: AppProcess;

  beforeAll(async () => {
    core = await startApp('core', 3491);
    gateway = await startApp('gateway', 3490);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway, core].map((app) => app?.stop()));
  });

  it(`should answer 413 in the envelope to each of ${TIMES} 2 MiB bodies sent with a Content-Length by Node's http client, never a reset`, async () => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < TIMES; i++) outcomes.push(await postWithNode(gateway.url, false));

    expect(outcomes).toEqual(Array.from({ length: TIMES }, () => ({ status: 413, code: 'PAYLOAD_TOO_LARGE' })));
  }, 60_000);

  it(`should answer 413 in the envelope to each of ${TIMES} chunked 2 MiB bodies sent by Node's http client, never a reset`, async () => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < TIMES; i++) outcomes.push(await postWithNode(gateway.url, true));

    expect(outcomes).toEqual(Array.from({ length: TIMES }, () => ({ status: 413, code: 'PAYLOAD_TOO_LARGE' })));
  }, 60_000);

  it(`should answer 413 in the envelope to each of ${TIMES} 2 MiB bodies sent by curl`, async () => {
    const file = join(tmpdir(), `oversized-${process.pid}.json`);
    writeFileSync(file, Buffer.alloc(BODY_BYTES, 'x'));
    const outcomes: string[] = [];
    for (let i = 0; i < TIMES; i++) {
      const { stdout } = await promisify(execFile)(
        'curl',
        ['-sS', '-o', '-', '-w', '\n%{http_code}', '-H', 'content-type: application/json', '--data-binary', `@${file}`, `${gateway.url}/api/v1/auth/signup`],
        { encoding: 'utf8' },
      ).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: `curl failed: ${error.stderr ?? ''}\n000` }));
      const [body, status] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)];
      let code = `not an envelope: ${body.slice(0, 80)}`;
      try {
        code = (JSON.parse(body) as { error: { code: string } }).error.code;
      } catch {
        // kept as not an envelope
      }
      outcomes.push(`${status} ${code}`);
    }

    expect(outcomes).toEqual(Array.from({ length: TIMES }, () => '413 PAYLOAD_TOO_LARGE'));
  }, 60_000);
});
