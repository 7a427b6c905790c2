import amqp, { Channel, ChannelModel } from 'amqplib';
import { createServer, Server, Socket } from 'node:net';
import { QUEUES } from '@app/contracts';
import { ApiClient, loginAdmin } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { TEST_ENV, TEST_PORT_OFFSET } from '../support/test-env';

const MANAGEMENT_URL = process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';

interface OverviewQueue {
  name: string;
  ready: number | null;
  unacked: number | null;
  consumers: number | null;
}

// GET /admin/overview's queue depths: ready and consumers from checkQueue, unacked from the RabbitMQ management API
// (rabbitmq_management), and when that API is not configured or does not answer, unacked unknown with the reason.
// The indexer is not started, so indexer.events has no consumer but the test's own.
describe('admin overview: unacked messages from the broker (e2e)', () => {
  let platform: Platform;
  let token: string;
  let connection: ChannelModel;

  const overview = async (api: ApiClient) => {
    const response = await api.get('/api/v1/admin/overview', { token });
    expect(response.status).toBe(200);
    return response.body as { queues: OverviewQueue[]; unacked_unknown: string | null };
  };
  const indexerQueue = (body: { queues: OverviewQueue[] }) => body.queues.find((queue) => queue.name === QUEUES.indexerEvents);

  beforeAll(async () => {
    platform = await startPlatform(3640, ['core', 'gateway'], { gateway: { RABBITMQ_MANAGEMENT_URL: MANAGEMENT_URL } });
    token = (await loginAdmin(platform.api)).accessToken;
    connection = await amqp.connect(TEST_ENV.RABBITMQ_URL);
  });
  afterAll(async () => {
    const channel = await connection?.createChannel();
    await channel?.purgeQueue(QUEUES.indexerEvents);
    await connection?.close();
    await platform?.stop();
  });

  it('should show messages a consumer holds without acking as unacked, and as ready again once it lets go', async () => {
    const holder: Channel = await connection.createChannel();
    await holder.purgeQueue(QUEUES.indexerEvents);
    await holder.prefetch(3);
    const held: unknown[] = [];
    await holder.consume(QUEUES.indexerEvents, (message) => message && held.push(message), { noAck: false });
    const publisher = await connection.createConfirmChannel();
    for (let n = 0; n < 5; n++)
      publisher.sendToQueue(QUEUES.indexerEvents, Buffer.from(JSON.stringify({ pattern: 'overview.probe', data: { n } })), { persistent: true });
    await publisher.waitForConfirms();
    await eventually(() => expect(held).toHaveLength(3), 5000);

    // The broker samples queue statistics every few seconds (collect_statistics_interval), the gateway keeps them 2 s.
    await eventually(
      async () => {
        const body = await overview(platform.api);
        expect(body.unacked_unknown).toBeNull();
        // Core may publish events of its own meanwhile (ready 2 or more).
        expect(indexerQueue(body)).toMatchObject({ unacked: 3, consumers: 1 });
        expect(indexerQueue(body)!.ready).toBeGreaterThanOrEqual(2);
        for (const queue of body.queues) expect(queue.unacked).toEqual(expect.any(Number));
      },
      20_000,
      500,
    );

    await holder.close(); // the broker requeues what the channel held
    await eventually(
      async () => {
        const queue = indexerQueue(await overview(platform.api));
        expect(queue).toMatchObject({ unacked: 0, consumers: 0 });
        expect(queue!.ready).toBeGreaterThanOrEqual(5);
      },
      20_000,
      500,
    );
  });

  describe('when the management API cannot say', () => {
    let gateway: AppProcess | undefined;
    let silent: Server | undefined;
    const sockets: Socket[] = [];
    afterEach(async () => {
      await gateway?.stop();
      gateway = undefined;
      sockets.splice(0).forEach((socket) => socket.destroy());
      await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
      silent = undefined;
    });

    it('should show unacked unknown with the reason, and ready and consumers still, when RABBITMQ_MANAGEMENT_URL is not set', async () => {
      gateway = await startApp('gateway', 3645);
      const body = await overview(new ApiClient(gateway.url));

      expect(body.unacked_unknown).toBe('RABBITMQ_MANAGEMENT_URL is not set');
      expect(body.queues.map((queue) => queue.unacked)).toEqual([null, null, null, null, null]);
      expect(body.queues.find((queue) => queue.name === QUEUES.coreRpc)).toMatchObject({ ready: expect.any(Number), consumers: 1 });
    });

    it('should answer within about a second with unacked unknown when the management API accepts and never answers', async () => {
      silent = createServer((socket) => sockets.push(socket));
      const port = 3646 + TEST_PORT_OFFSET;
      await new Promise<void>((resolve) => silent!.listen(port, '127.0.0.1', resolve));
      gateway = await startApp('gateway', 3647, { RABBITMQ_MANAGEMENT_URL: `http://guest:guest@127.0.0.1:${port}` });
      const started = Date.now();
      const body = await overview(new ApiClient(gateway.url));

      expect(Date.now() - started).toBeLessThan(3000);
      expect(body.unacked_unknown).toBe('the management API did not answer within 1000 ms');
      expect(body.queues.find((queue) => queue.name === QUEUES.coreRpc)).toMatchObject({ ready: expect.any(Number), unacked: null, consumers: 1 });
    });
  });
});
