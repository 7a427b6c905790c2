import type { Channel, ConsumeMessage } from 'amqplib';
import { OrderedAcks } from './ordered-acks.util';

const message = (deliveryTag: number) => ({ fields: { deliveryTag } }) as ConsumeMessage;

function fakeChannel() {
  const frames: string[] = [];
  const channel = {
    ack: (m: ConsumeMessage, allUpTo: boolean) => frames.push(`ack ${m.fields.deliveryTag}${allUpTo ? ' multiple' : ''}`),
    nack: (m: ConsumeMessage, allUpTo: boolean, requeue: boolean) => frames.push(`nack ${m.fields.deliveryTag}${requeue ? ' requeue' : ''}`),
  } as unknown as Channel;
  return { channel, frames };
}

describe('OrderedAcks', () => {
  it('should ack nothing until the oldest delivery is done, then ack all done ones with one multiple ack', () => {
    const { channel, frames } = fakeChannel();
    const sut = new OrderedAcks(channel);
    const [one, two, three] = [1, 2, 3].map((tag) => sut.track(message(tag)));

    sut.ack(three);
    sut.ack(two);
    expect(frames).toEqual([]);

    sut.ack(one);
    expect(frames).toEqual(['ack 3 multiple']);
    expect(sut.unsettled).toBe(0);
  });

  it('should ack a whole batch with one frame when it is acked at once', () => {
    const { channel, frames } = fakeChannel();
    const sut = new OrderedAcks(channel);
    const batch = [1, 2, 3].map((tag) => sut.track(message(tag)));

    sut.ackAll(batch);

    expect(frames).toEqual(['ack 3 multiple']);
  });

  it('should nack a rejected delivery at once without requeue and never include it in a multiple ack', () => {
    const { channel, frames } = fakeChannel();
    const sut = new OrderedAcks(channel);
    const [one, two, three] = [1, 2, 3].map((tag) => sut.track(message(tag)));

    sut.ack(one);
    sut.reject(three);
    sut.reject(two);

    expect(frames).toEqual(['ack 1 multiple', 'nack 3', 'nack 2']);
  });

  it('should ack up to the newest acked delivery when a rejected one is the newest settled', () => {
    const { channel, frames } = fakeChannel();
    const sut = new OrderedAcks(channel);
    const [one, two] = [1, 2].map((tag) => sut.track(message(tag)));

    sut.reject(two);
    sut.ack(one);

    expect(frames).toEqual(['nack 2', 'ack 1 multiple']);
  });

  it('should not throw when the channel has closed under it', () => {
    const sut = new OrderedAcks({
      ack: () => {
        throw new Error('Channel closed');
      },
    } as unknown as Channel);

    expect(() => sut.ack(sut.track(message(1)))).not.toThrow();
  });

  it('should keep acking in order after many deliveries when its queue is compacted', () => {
    const { channel, frames } = fakeChannel();
    const sut = new OrderedAcks(channel);
    for (let tag = 1; tag <= 3000; tag++) sut.ack(sut.track(message(tag)));
    const late = sut.track(message(3001));
    const later = sut.track(message(3002));

    sut.ack(later);
    sut.ack(late);

    expect(frames.at(-1)).toBe('ack 3002 multiple');
    expect(frames).toHaveLength(3001);
  });
});
