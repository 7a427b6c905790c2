import { CircuitPassage, ProviderCircuitBreaker } from './provider-circuit.breaker';

const MINUTE = 60_000;
const START = new Date('2026-12-01T10:00:00.000Z').getTime();
const at = (minutes: number) => new Date(START + minutes * MINUTE);

// Each sync restores the breaker from what the previous one saved (through JSON, as Postgres jsonb keeps it),
// like syncs minutes apart on different replicas; the clock is jest's fake one.
describe('ProviderCircuitBreaker', () => {
  let sut: ProviderCircuitBreaker;
  let saved: unknown;
  let work: jest.Mock<Promise<string>, []>;

  async function syncAt(minutes: number, outcome: 'fails' | 'succeeds'): Promise<CircuitPassage<string>> {
    jest.setSystemTime(at(minutes));
    work = jest.fn(async () => {
      if (outcome === 'fails') throw new Error('the provider answered HTTP 503');
      return 'applied';
    });
    const passage = await sut.pass(saved, work);
    saved = JSON.parse(JSON.stringify(passage.saved));
    return passage;
  }

  const stateAt = (minutes: number) => sut.view(saved, at(minutes).getTime());

  beforeEach(() => {
    jest.useFakeTimers({ now: START });
    sut = new ProviderCircuitBreaker({ PROVIDER_BREAKER_THRESHOLD: 3, PROVIDER_BREAKER_COOLDOWN: 5 * MINUTE });
    saved = null;
  });
  afterEach(() => jest.useRealTimers());

  it('should open on the third consecutive failed sync when the syncs are minutes apart', async () => {
    await syncAt(0, 'fails');
    await syncAt(1, 'fails');
    expect(stateAt(1)).toEqual({ state: 'closed', halfOpensAt: null, consecutiveFailures: 2 });

    const third = await syncAt(2, 'fails');

    expect(third).toMatchObject({ ran: true, ok: false });
    expect(stateAt(2)).toEqual({ state: 'open', halfOpensAt: at(7), consecutiveFailures: 3 });
  });

  it('should not open when a successful sync comes between failures', async () => {
    await syncAt(0, 'fails');
    await syncAt(1, 'fails');
    await syncAt(2, 'succeeds');
    await syncAt(3, 'fails');
    await syncAt(4, 'fails');

    expect(stateAt(4)).toEqual({ state: 'closed', halfOpensAt: null, consecutiveFailures: 2 });
  });

  it('should skip syncs without calling the provider while open, saying when it half-opens', async () => {
    for (const minute of [0, 1, 2]) await syncAt(minute, 'fails');

    const skipped = [await syncAt(3, 'succeeds'), await syncAt(6, 'succeeds')];

    for (const passage of skipped) expect(passage).toEqual({ ran: false, halfOpensAt: at(7), consecutiveFailures: 3, saved: expect.anything() });
    expect(work).not.toHaveBeenCalled();
    expect(stateAt(6)).toMatchObject({ state: 'open' });
  });

  it('should read half_open once the cool-down has passed, and close when the trial sync succeeds', async () => {
    for (const minute of [0, 1, 2]) await syncAt(minute, 'fails');
    expect(stateAt(6.99).state).toBe('open');
    expect(stateAt(7).state).toBe('half_open');

    const trial = await syncAt(7, 'succeeds');

    expect(trial).toMatchObject({ ran: true, ok: true, value: 'applied' });
    expect(work).toHaveBeenCalledTimes(1);
    expect(stateAt(7)).toEqual({ state: 'closed', halfOpensAt: null, consecutiveFailures: 0 });
    expect(await syncAt(8, 'succeeds')).toMatchObject({ ran: true, ok: true });
  });

  it('should re-open for another cool-down when the trial sync fails', async () => {
    for (const minute of [0, 1, 2]) await syncAt(minute, 'fails');

    const trial = await syncAt(9, 'fails');

    expect(trial).toMatchObject({ ran: true, ok: false });
    expect(stateAt(9)).toMatchObject({ state: 'open', halfOpensAt: at(14) });
    expect(await syncAt(13, 'succeeds')).toMatchObject({ ran: false, halfOpensAt: at(14) });
    expect(await syncAt(14, 'succeeds')).toMatchObject({ ran: true, ok: true });
    expect(stateAt(14).state).toBe('closed');
  });

  it('should let the sync through a closed circuit when the saved state is missing or unreadable', async () => {
    for (const unreadable of [null, 'garbage', { ownState: { value: 1 } }, { ownState: { value: 3 }, breakerState: 0 }]) {
      saved = unreadable;
      expect(sut.view(saved).state).toBe('closed');
      expect(await syncAt(0, 'succeeds')).toMatchObject({ ran: true, ok: true });
    }
  });
});
