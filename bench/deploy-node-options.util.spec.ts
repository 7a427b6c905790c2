import { resolve } from 'node:path';
import { benchNodeOptions, deployedNodeOptions, deployedRuntimeEnv } from './deploy-node-options.util';

const ROOT = resolve(__dirname, '..');

describe('deployedNodeOptions', () => {
  it.each(['gateway', 'core', 'indexer', 'scheduler'])('should read the heap flags k8s/base gives %s', (app) => {
    expect(deployedNodeOptions(ROOT, app)).toMatch(/^--max-old-space-size=\d+ --max-semi-space-size=\d+$/);
  });

  it('should put an experiment after the deployed flags when BENCH_NODE_OPTIONS is set', () => {
    expect(benchNodeOptions(ROOT, 'gateway', '--max-semi-space-size=2')).toBe(`${deployedNodeOptions(ROOT, 'gateway')} --max-semi-space-size=2`);
    expect(benchNodeOptions(ROOT, 'gateway', undefined)).toBe(deployedNodeOptions(ROOT, 'gateway'));
  });

  it("should give an app the image's malloc settings beside its NODE_OPTIONS", () => {
    expect(deployedRuntimeEnv(ROOT, 'core')).toEqual({ MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: deployedNodeOptions(ROOT, 'core') });
  });
});
