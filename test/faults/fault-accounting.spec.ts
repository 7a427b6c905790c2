import { account, AccountingInput, Attempt } from './fault-accounting.util';

const T0 = 1_000_000;
const acked = (name: string, started = T0): Attempt => ({ name, started, status: 202, id: name, envelopeOk: true });
const base = (attempts: Attempt[], stored: string[], overrides: Partial<AccountingInput> = {}): AccountingInput => ({
  scenario: 'crafted',
  attempts,
  stored: stored.map((product_name) => ({ product_name })),
  windowFrom: T0,
  windowTo: T0 + 1000,
  recoveryMs: 0,
  ...overrides,
});

describe('fault runner accounting', () => {
  it('should find no problem when every acknowledged order is stored once and nothing else is', () => {
    const refused: Attempt = { name: 'c', started: T0, status: 503, outcome: 'not_accepted', envelopeOk: true };
    const unknown: Attempt = { name: 'd', started: T0, status: 503, outcome: 'unknown', envelopeOk: true };

    const sut = account(base([acked('a'), acked('b'), refused, unknown], ['a', 'b', 'd']));

    expect(sut).toMatchObject({ attempted: 4, acknowledged: 2, failed: 1, indeterminate: 1, stored: 3, lost: 0, unexpected: 0, duplicated: 0, recovered: 1 });
    expect(sut.statuses).toBe('202×2 503×2');
    expect(sut.problems).toEqual([]);
  });

  it('should report a lost order when an acknowledged one is not stored', () => {
    const sut = account(base([acked('a'), acked('b')], ['a']));

    expect(sut.lost).toBe(1);
    expect(sut.problems).toEqual(['1 acknowledged order(s) lost']);
  });

  it('should report an unexpected order when one is stored that nobody sent', () => {
    const sut = account(base([acked('a')], ['a', 'ghost']));

    expect(sut.unexpected).toBe(1);
    expect(sut.problems).toEqual(['1 stored order(s) nobody sent']);
  });

  it('should report a duplicate when an order is stored twice', () => {
    const sut = account(base([acked('a'), acked('b')], ['a', 'b', 'b']));

    expect(sut.duplicated).toBe(1);
    expect(sut.problems).toEqual(['1 order(s) stored twice']);
  });

  it('should report a certain refusal that was stored anyway', () => {
    const refused: Attempt = { name: 'c', started: T0, status: 503, outcome: 'not_accepted', envelopeOk: true };

    expect(account(base([refused], ['c'])).problems).toEqual(['1 order(s) refused as not_accepted yet stored']);
  });

  it('should report a 5xx outside the contract (503 and 504 only) and a body outside the envelope', () => {
    const crashed: Attempt = { name: 'e', started: T0, status: 500, envelopeOk: true };
    const bare: Attempt = { name: 'f', started: T0, status: 503, envelopeOk: false };
    const timedOut: Attempt = { name: 'g', started: T0, status: 504, envelopeOk: true };

    expect(account(base([crashed, bare, timedOut], [])).problems).toEqual(['statuses outside the contract: 500', '1 answer(s) outside the envelope']);
  });

  it('should allow a dropped connection inside the kill window and report one outside it', () => {
    const dropped = (started: number): Attempt => ({ name: `x${started}`, started, status: 0, envelopeOk: true });

    expect(account(base([dropped(T0 - 14_000), dropped(T0 + 1000)], [])).problems).toEqual([]);
    expect(account(base([dropped(T0 - 16_000), dropped(T0 + 1001)], [])).problems).toEqual(['2 dropped connection(s) outside the kill window']);
  });
});
