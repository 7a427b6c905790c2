import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// NODE_OPTIONS of an app as k8s/base deploys it (its heap policy: --max-old-space-size at ~72 % of the memory
// limit, and the young generation's bound), so the bench runs the apps the way they are deployed.
export function deployedNodeOptions(root: string, app: string): string {
  const manifest = readFileSync(join(root, 'k8s', 'base', `${app}.yaml`), 'utf8');
  const match = /- name: NODE_OPTIONS\n\s+value: (.+)\n/.exec(manifest);
  if (!match) throw new Error(`k8s/base/${app}.yaml sets no NODE_OPTIONS`);
  return match[1].trim();
}

// The deployed options, then an experiment's (BENCH_NODE_OPTIONS), which V8 lets override them.
export function benchNodeOptions(root: string, app: string, experiment: string | undefined): string {
  return [deployedNodeOptions(root, app), experiment].filter(Boolean).join(' ');
}

// The glibc malloc settings the image gives every app (`ENV MALLOC_...` in the Dockerfile).
export function imageMallocEnv(root: string): Record<string, string> {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  return Object.fromEntries([...dockerfile.matchAll(/^ENV (MALLOC_\w+)=(\S+)$/gm)].map((match) => [match[1], match[2]]));
}

// What an app's process gets from its deployment besides its configuration: NODE_OPTIONS and the malloc settings.
export function deployedRuntimeEnv(root: string, app: string, experiment?: string): Record<string, string> {
  return { ...imageMallocEnv(root), NODE_OPTIONS: benchNodeOptions(root, app, experiment) };
}
