import amqp, { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { eventually } from './eventually';
import { TEST_ENV } from './test-env';

// Taps the events exchange with a private queue, so a test sees exactly what core published.
export class EventTap {
  readonly messages: ConsumeMessage[] = [];
  private connection?: ChannelModel;
  private channel?: Channel;

  async open(bindingKey = '#'): Promise<this> {
    this.connection = await amqp.connect(TEST_ENV.RABBITMQ_URL);
    this.channel = await this.connection.createChannel();
    await this.channel.assertExchange('platform.events', 'topic', { durable: true });
    const { queue } = await this.channel.assertQueue('', { exclusive: true, autoDelete: true });
    await this.channel.bindQueue(queue, 'platform.events', bindingKey);
    await this.channel.consume(queue, (message) => message && this.messages.push(message), { noAck: true });
    return this;
  }

  bodies(): Array<{ pattern: string; data: any }> {
    return this.messages.map((message) => JSON.parse(message.content.toString('utf8')));
  }

  forAggregate(id: string) {
    return this.messages.filter((message) => JSON.parse(message.content.toString('utf8')).data?.data?.id === id);
  }

  async waitFor(predicate: (message: ConsumeMessage) => boolean, timeoutMs = 10_000): Promise<ConsumeMessage> {
    return eventually(() => {
      const found = this.messages.find(predicate);
      if (!found) throw new Error(`expected event not seen among ${this.messages.length}`);
      return found;
    }, timeoutMs);
  }

  async publishRaw(routingKey: string, body: unknown, messageId: string): Promise<void> {
    this.channel!.publish('platform.events', routingKey, Buffer.from(JSON.stringify(body)), { persistent: true, messageId, contentType: 'application/json' });
  }

  async queueDepth(queue: string): Promise<number> {
    return (await this.channel!.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
  }
}
