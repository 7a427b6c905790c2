import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { BrokerManagementClient, MANAGEMENT_CACHE_MS, managementTarget } from './broker-management.client';

describe('managementTarget', () => {
  it("should list the vhost at the end of the URL's path, with the credentials as Basic auth, when the URL has one", () => {
    const sut = managementTarget('https://mon:p%40ss@rabbit.internal:15671/%2F', 'amqp://app:x@rabbit.internal:5672/other');

    expect(sut.queuesUrl).toBe('https://rabbit.internal:15671/api/queues/%2F?columns=name,messages_unacknowledged');
    expect(sut.authorization).toBe(`Basic ${Buffer.from('mon:p@ss').toString('base64')}`);
  });

  it("should take RABBITMQ_URL's vhost when the management URL has none, and / when neither has", () => {
    expect(managementTarget('http://guest:guest@127.0.0.1:15672', 'amqp://guest:guest@127.0.0.1:5672/plans_test_6').queuesUrl).toBe(
      'http://127.0.0.1:15672/api/queues/plans_test_6?columns=name,messages_unacknowledged',
    );
    expect(managementTarget('http://127.0.0.1:15672/', 'amqp://127.0.0.1:5672').queuesUrl).toBe(
      'http://127.0.0.1:15672/api/queues/%2F?columns=name,messages_unacknowledged',
    );
    expect(managementTarget('http://127.0.0.1:15672/', 'amqp://127.0.0.1:5672').authorization).toBeUndefined();
  });
});

describe('BrokerManagementClient', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, res: ServerResponse) => void;
  const requests: IncomingMessage[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req);
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://mon:secret@127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    requests.length = 0;
    jest.restoreAllMocks();
  });

  const client = (managementUrl: string | undefined) => new BrokerManagementClient({ RABBITMQ_MANAGEMENT_URL: managementUrl, RABBITMQ_URL: 'amqp://127.0.0.1:5672' });

  it('should give each queue its unacked count, asking once with Basic auth, when the API answers', async () => {
    answer = (_req, res) => res.end(JSON.stringify([{ name: 'core.orders', messages_unacknowledged: 7 }, { name: 'never.sampled' }]));
    const sut = client(url);

    const result = await sut.unacked();

    expect(result.reason).toBeNull();
    expect([...result.counts!]).toEqual([['core.orders', 7]]);
    expect(requests.map((req) => [req.url, req.headers.authorization])).toEqual([
      ['/api/queues/v1?columns=name,messages_unacknowledged', `Basic ${Buffer.from('mon:secret').toString('base64')}`],
    ]);
  });

  it('should answer from its cache within MANAGEMENT_CACHE_MS and ask again after it', async () => {
    answer = (_req, res) => res.end('[]');
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const sut = client(url);

    await sut.unacked();
    now.mockReturnValue(1_000_000 + MANAGEMENT_CACHE_MS - 1);
    await sut.unacked();
    expect(requests).toHaveLength(1);

    now.mockReturnValue(1_000_000 + MANAGEMENT_CACHE_MS);
    await sut.unacked();
    expect(requests).toHaveLength(2);
  });

  it('should say unacked is unknown and why when the URL is not set, the API refuses, or nothing listens', async () => {
    answer = (_req, res) => {
      res.statusCode = 401;
      res.end('{"error":"not_authorised"}');
    };

    await expect(client(undefined).unacked()).resolves.toEqual({ counts: null, reason: 'RABBITMQ_MANAGEMENT_URL is not set' });
    await expect(client(url).unacked()).resolves.toEqual({ counts: null, reason: 'the management API answered 401' });
    await expect(client('http://127.0.0.1:1').unacked()).resolves.toEqual({ counts: null, reason: 'the management API is unreachable' });

    answer = (_req, res) => res.end('{"error":"a proxy page"}');
    await expect(client(url).unacked()).resolves.toEqual({ counts: null, reason: 'the management API answered something other than a list of queues' });
  });
});
