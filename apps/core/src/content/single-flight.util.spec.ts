import { SingleFlight } from './single-flight.util';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('should run the work once for concurrent calls with one key and give each caller its outcome', async () => {
    const sut = new SingleFlight<string>();
    const run = deferred<string>();
    const work = jest.fn(() => run.promise);
    const joined = jest.fn();

    const calls = [sut.run('k', work), sut.run('k', work, joined), sut.run('k', work, joined)];
    run.resolve('value');

    await expect(Promise.all(calls)).resolves.toEqual(['value', 'value', 'value']);
    expect(work).toHaveBeenCalledTimes(1);
    expect(joined).toHaveBeenCalledTimes(2);
  });

  it('should run separately for different keys', async () => {
    const sut = new SingleFlight<string>();
    const work = jest.fn((value: string) => Promise.resolve(value));

    await expect(Promise.all([sut.run('a', () => work('a')), sut.run('b', () => work('b'))])).resolves.toEqual(['a', 'b']);
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('should share a failure with every caller and start afresh on the next call', async () => {
    const sut = new SingleFlight<string>();
    const run = deferred<string>();
    const calls = [sut.run('k', () => run.promise), sut.run('k', () => run.promise)];
    run.reject(new Error('database down'));

    await expect(Promise.all(calls)).rejects.toThrow('database down');
    expect(sut.size).toBe(0);
    await expect(sut.run('k', () => Promise.resolve('again'))).resolves.toBe('again');
  });

  it('should start a new run when called after the previous one settled', async () => {
    const sut = new SingleFlight<number>();
    let runs = 0;
    const work = () => Promise.resolve(++runs);

    await sut.run('k', work);
    await expect(sut.run('k', work)).resolves.toBe(2);
  });
});
