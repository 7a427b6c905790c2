import { InFlightTracker } from './in-flight.tracker';

describe('InFlightTracker', () => {
  let sut: InFlightTracker;

  beforeEach(() => {
    sut = new InFlightTracker();
  });

  it('should resolve drain with true at once when nothing is in flight', async () => {
    await expect(sut.drain(50)).resolves.toBe(true);
    expect(sut.draining).toBe(true);
  });

  it('should resolve drain with true when in-flight work ends before the grace period', async () => {
    const endFirst = sut.begin();
    const endSecond = sut.begin();
    const drained = sut.drain(1_000);

    endFirst();
    setTimeout(endSecond, 5);

    await expect(drained).resolves.toBe(true);
    expect(sut.count).toBe(0);
  });

  it('should resolve drain with false when the grace period passes before work ends', async () => {
    const end = sut.begin();
    const started = Date.now();

    await expect(sut.drain(50)).resolves.toBe(false);

    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(sut.count).toBe(1);
    end();
  });

  it('should mark the tracker as draining when drain starts', () => {
    const end = sut.begin();
    expect(sut.draining).toBe(false);

    void sut.drain(10);

    expect(sut.draining).toBe(true);
    end();
  });

  it('should count each message once when its end callback is called twice', async () => {
    const endFirst = sut.begin();
    const endSecond = sut.begin();

    endFirst();
    endFirst();

    expect(sut.count).toBe(1);
    await expect(sut.drain(50)).resolves.toBe(false);
    endSecond();
    expect(sut.count).toBe(0);
  });
});
