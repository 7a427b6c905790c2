import { rmqClientOptions, rmqServerOptions } from './rmq.options';

describe('rmq options', () => {
  it("should turn Nagle's algorithm off on client and server sockets, so a small RPC does not wait for a delayed ACK", () => {
    const url = 'amqp://guest:guest@127.0.0.1:5672';
    for (const options of [rmqClientOptions(url, 'core.rpc'), rmqServerOptions(url, 'core.rpc', 20)]) {
      expect(options.options?.socketOptions).toMatchObject({ connectionOptions: { noDelay: true } });
    }
  });
});
