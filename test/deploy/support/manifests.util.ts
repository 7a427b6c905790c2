import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO = resolve(__dirname, '../../..');
export const K8S = join(REPO, 'k8s');

// A rendered Kubernetes object, read loosely: the rules below read what they need and report what is missing.
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Rendering {
  name: string;
  objects: K8sObject[];
}

export function parseYamlDocuments(text: string): any[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`invalid YAML: ${document.errors[0].message}`);
      return document.toJS({ maxAliasCount: -1 }) as unknown;
    })
    .filter((value) => value !== null && value !== undefined);
}

const cache = new Map<string, Rendering>();

function kustomize(dir: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('the deploy tests need kubectl on the PATH (README, Set-up)', { cause: error });
    throw error;
  }
  return parseYamlDocuments(output) as K8sObject[];
}

// `kubectl kustomize` of a kustomization under k8s/ (e.g. "overlays/dev"), rendered once per test file.
export function renderKustomization(path: string): Rendering {
  const key = `kustomization:${path}`;
  if (!cache.has(key)) cache.set(key, { name: path, objects: kustomize(join(K8S, path)) });
  return cache.get(key)!;
}

// A component cannot be rendered alone: a throwaway kustomization of the base plus the components, with paths
// relative to it (kustomize refuses absolute ones).
export function renderBaseWith(components: string[]): Rendering {
  const name = `base + ${components.join(' + ')}`;
  const key = `components:${name}`;
  if (!cache.has(key)) {
    const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
    try {
      const rel = (path: string) => relative(dir, join(K8S, path));
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [${rel('base')}]\ncomponents: [${components.map(rel).join(', ')}]\n`,
      );
      cache.set(key, { name, objects: kustomize(dir) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return cache.get(key)!;
}

// The Secret template: the values the rules resolve secretKeyRefs against (placeholders, but real URL shapes).
export function secretTemplate(): Record<string, string> {
  const [secret] = parseYamlDocuments(readFileSync(join(K8S, 'base/secret.example.yaml'), 'utf8')) as K8sObject[];
  return secret.stringData ?? {};
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO, path), 'utf8');
}
