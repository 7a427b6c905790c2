// Holds every kustomize rendering of k8s/ to the code: schemas, env vs config schemas, ports and probe paths,
// pod security, the memory and shutdown policies, Services, autoscalers, KEDA queues and NetworkPolicies.
// Needs only `kubectl` (renders offline). Each rule is also fed a broken copy, to show it fails.
import { K8sObject, renderBaseWith, renderKustomization, Rendering, secretTemplate } from './support/manifests.util';
import { digestRule, RULES, Rule } from './support/k8s-rules.util';

const RENDERINGS: Record<string, () => Rendering> = {
  base: () => renderKustomization('base'),
  'base + components/keda': () => renderBaseWith(['components/keda']),
  'base + components/hpa-cpu': () => renderBaseWith(['components/hpa-cpu']),
  'overlays/dev': () => renderKustomization('overlays/dev'),
  'overlays/production': () => renderKustomization('overlays/production'),
};

const secrets = secretTemplate();

function find(rendering: Rendering, kind: string, name: string): K8sObject {
  const object = rendering.objects.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
  if (!object) throw new Error(`${kind}/${name} not in ${rendering.name}`);
  return object;
}

const container = (rendering: Rendering, deployment: string) => find(rendering, 'Deployment', deployment).spec.template.spec.containers[0];

// A deep copy of a rendering with one change.
function broken(name: string, change: (copy: Rendering) => void): Rendering {
  const copy = structuredClone(RENDERINGS[name]());
  change(copy);
  return copy;
}

function counts(rendering: Rendering): Record<string, number> {
  const result: Record<string, number> = {};
  for (const object of rendering.objects) result[object.kind] = (result[object.kind] ?? 0) + 1;
  return result;
}

describe.each(Object.keys(RENDERINGS))('rendering %s', (name) => {
  const rules = Object.entries(RULES).concat(name === 'overlays/production' ? [['digest', digestRule]] : []);

  it.each(rules)('should hold rule %s', (_rule, rule: Rule) => {
    expect(rule(RENDERINGS[name](), secrets)).toEqual([]);
  });

  it('should run gateway, core, indexer and scheduler', () => {
    const deployments = RENDERINGS[name]()
      .objects.filter((object) => object.kind === 'Deployment')
      .map((object) => object.metadata.name);
    expect(deployments).toEqual(expect.arrayContaining(['gateway', 'core', 'indexer', 'scheduler']));
    // The object counts, for the record (printed with --verbose).
    expect(counts(RENDERINGS[name]())).toEqual(expect.objectContaining({ Deployment: deployments.length }));
  });
});

describe('what each overlay and component adds', () => {
  it('should run one replica of every app and the simulator, no autoscaler, no PDB when the overlay is dev', () => {
    const dev = RENDERINGS['overlays/dev']();
    const deployments = dev.objects.filter((object) => object.kind === 'Deployment');

    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(['core', 'gateway', 'indexer', 'provider-sim', 'scheduler']);
    expect(deployments.every((deployment) => deployment.spec.replicas === 1)).toBe(true);
    expect(counts(dev)).not.toHaveProperty('HorizontalPodAutoscaler');
    expect(counts(dev)).not.toHaveProperty('ScaledObject');
    expect(counts(dev)).not.toHaveProperty('PodDisruptionBudget');
    expect(find(dev, 'ConfigMap', dev.objects.find((o) => o.metadata.name.startsWith('scheduler-config'))!.metadata.name).data?.PROVIDER_URL).toBe(
      'http://provider-sim:3004/feed',
    );
  });

  it('should scale core and the indexer with KEDA and pin the image when the overlay is production', () => {
    const production = RENDERINGS['overlays/production']();

    expect(production.objects.filter((object) => object.kind === 'ScaledObject').map((object) => object.spec.scaleTargetRef.name)).toEqual(['core', 'indexer']);
    expect(counts(production)).toEqual(expect.objectContaining({ Ingress: 1, TriggerAuthentication: 1, HorizontalPodAutoscaler: 1 }));
    expect(counts(production).NetworkPolicy).toBeGreaterThanOrEqual(3);
    expect(production.objects.some((object) => object.kind === 'Deployment' && object.metadata.name === 'provider-sim')).toBe(false);
    // The ingress is the one trusted hop: a client cannot choose its rate-limit IP, nor share the ingress's bucket.
    expect(production.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('gateway-config'))!.data?.TRUST_PROXY).toBe('1');
  });
});

// Each rule, broken once: the mutation and the problem the rule must then report.
describe('each rule fails when its rule is broken', () => {
  const cases: Array<[string, string, Rule, (copy: Rendering) => void, RegExp]> = [
    ['schema', 'overlays/production', RULES.schema, (r) => (container(r, 'core').ports[0].containerPort = 'http'), /Deployment\/core: /],
    ['schema (KEDA CRD)', 'overlays/production', RULES.schema, (r) => (find(r, 'ScaledObject', 'core').spec.fallback.replicas = 'four'), /ScaledObject\/core: /],
    ['schema (unknown kind)', 'base', RULES.schema, (r) => r.objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }), /no schema for v1 Pod/],
    ['env: unknown variable', 'base', RULES.env, (r) => container(r, 'core').env.push({ name: 'CORE_PROT', value: '3001' }), /CORE_PROT is not read by core/],
    [
      'env: ConfigMap key the app does not read',
      'overlays/dev',
      RULES.env,
      (r) => (r.objects.find((o) => o.metadata.name.startsWith('shared-config'))!.data!.PROVIDER_URL = 'x'),
      /PROVIDER_URL is not read by (gateway|core|indexer)/,
    ],
    [
      'env: bad value',
      'base',
      RULES.env,
      (r) => container(r, 'gateway').env.push({ name: 'RPC_TIMEOUT_MS', value: 'soon' }),
      /gateway's config rejects the environment: .*RPC_TIMEOUT_MS/,
    ],
    [
      'env: connection URL missing',
      'base',
      RULES.env,
      (r) => (container(r, 'scheduler').env = container(r, 'scheduler').env.filter((v: any) => v.name !== 'DATABASE_URL')),
      /DATABASE_URL is not set/,
    ],
    [
      'env: Secret key missing',
      'base',
      RULES.env,
      (r) => (container(r, 'core').env.find((v: any) => v.name === 'REDIS_URL').valueFrom.secretKeyRef.key = 'REDIS'),
      /platform-secrets\/REDIS, which the Secret template lacks/,
    ],
    [
      'probes: wrong path',
      'base',
      RULES.probes,
      (r) => (container(r, 'core').readinessProbe.httpGet.path = '/healthz'),
      /readinessProbe on \/healthz, the app serves \/health\/ready/,
    ],
    ['probes: wrong port', 'base', RULES.probes, (r) => container(r, 'indexer').env.push({ name: 'INDEXER_PORT', value: '3999' }), /no containerPort 3999/],
    [
      'probes: loopback host',
      'overlays/dev',
      RULES.probes,
      (r) => (container(r, 'provider-sim').env = container(r, 'provider-sim').env.filter((v: any) => v.name !== 'PROVIDER_SIM_HOST')),
      /PROVIDER_SIM_HOST=127.0.0.1/,
    ],
    ['pod: root', 'base', RULES.pod, (r) => (find(r, 'Deployment', 'gateway').spec.template.spec.securityContext.runAsNonRoot = false), /pod not runAsNonRoot/],
    ['pod: no memory limit', 'base', RULES.pod, (r) => delete container(r, 'scheduler').resources.limits.memory, /no memory limits/],
    ['pod: service links', 'base', RULES.pod, (r) => (find(r, 'Deployment', 'core').spec.template.spec.enableServiceLinks = true), /enableServiceLinks/],
    [
      'memory: heap too close to the limit',
      'base',
      RULES.memory,
      (r) => (container(r, 'core').env.find((v: any) => v.name === 'NODE_OPTIONS').value = '--max-old-space-size=700'),
      /heap 700 MiB is 91 %/,
    ],
    [
      'memory: limit lowered without the heap (dev)',
      'overlays/dev',
      RULES.memory,
      (r) => (container(r, 'gateway').resources.limits.memory = '192Mi'),
      /gateway: heap 184 MiB is 96 %/,
    ],
    [
      'memory: young generation unbounded',
      'base',
      RULES.memory,
      (r) => (container(r, 'gateway').env.find((v: any) => v.name === 'NODE_OPTIONS').value = '--max-old-space-size=368'),
      /gateway: NODE_OPTIONS sets no --max-semi-space-size/,
    ],
    [
      'memory: young generation too large (dev)',
      'overlays/dev',
      RULES.memory,
      (r) => (container(r, 'core').env.find((v: any) => v.name === 'NODE_OPTIONS').value = '--max-old-space-size=280 --max-semi-space-size=32'),
      /core: --max-semi-space-size=32 is above 16 MiB/,
    ],
    [
      'memory: no NODE_OPTIONS',
      'base',
      RULES.memory,
      (r) => (container(r, 'indexer').env = container(r, 'indexer').env.filter((v: any) => v.name !== 'NODE_OPTIONS')),
      /sets no --max-old-space-size/,
    ],
    [
      'shutdown: grace period too short',
      'base',
      RULES.shutdown,
      (r) => (find(r, 'Deployment', 'core').spec.template.spec.terminationGracePeriodSeconds = 20),
      /terminationGracePeriodSeconds 20 <= preStop 5 s \+ shutdown 15 s/,
    ],
    [
      'shutdown: SHUTDOWN_GRACE_MS raised',
      'base',
      RULES.shutdown,
      (r) => (r.objects.find((o) => o.metadata.name.startsWith('shared-config'))!.data!.SHUTDOWN_GRACE_MS = '25000'),
      /terminationGracePeriodSeconds 30 <= /,
    ],
    ['shutdown: no preStop', 'base', RULES.shutdown, (r) => delete container(r, 'gateway').lifecycle, /no preStop sleep/],
    [
      'services: selector matches nothing',
      'base',
      RULES.services,
      (r) => (find(r, 'Service', 'gateway').spec.selector = { 'app.kubernetes.io/name': 'gatewy' }),
      /Service\/gateway: selects no pods/,
    ],
    ['services: unknown targetPort', 'base', RULES.services, (r) => (find(r, 'Service', 'core').spec.ports[0].targetPort = 'metrics'), /targetPort metrics/],
    [
      'autoscalers: fixed replicas beside KEDA',
      'overlays/production',
      RULES.autoscalers,
      (r) => (find(r, 'Deployment', 'core').spec.replicas = 3),
      /core: fixed replicas and ScaledObject\/core/,
    ],
    [
      'autoscalers: nothing owns the count',
      'base',
      RULES.autoscalers,
      (r) => delete find(r, 'Deployment', 'indexer').spec.replicas,
      /indexer: neither replicas nor an autoscaler/,
    ],
    [
      'keda: another contracts queue',
      'overlays/production',
      RULES.keda,
      (r) => (find(r, 'ScaledObject', 'core').spec.triggers[0].metadata.queueName = 'core.rpc'),
      /queue core.rpc, but core works on core.orders/,
    ],
    [
      'keda: unknown queue',
      'overlays/production',
      RULES.keda,
      (r) => (find(r, 'ScaledObject', 'indexer').spec.triggers[0].metadata.queueName = 'indexer-events'),
      /indexer-events is no queue of @app\/contracts/,
    ],
    [
      'keda: amqp protocol',
      'overlays/production',
      RULES.keda,
      (r) => (find(r, 'ScaledObject', 'core').spec.triggers[0].metadata.protocol = 'amqp'),
      /protocol amqp, want http/,
    ],
    ['keda: scale to zero', 'overlays/production', RULES.keda, (r) => (find(r, 'ScaledObject', 'core').spec.minReplicaCount = 0), /minReplicaCount 0/],
    ['keda: no cpu trigger', 'overlays/production', RULES.keda, (r) => find(r, 'ScaledObject', 'indexer').spec.triggers.pop(), /no cpu trigger/],
    ['keda: no fallback', 'overlays/production', RULES.keda, (r) => delete find(r, 'ScaledObject', 'core').spec.fallback, /no fallback replicas/],
    [
      'keda: auth key not in the Secret',
      'overlays/production',
      RULES.keda,
      (r) => (find(r, 'TriggerAuthentication', 'rabbitmq-management').spec.secretTargetRef[0].key = 'RABBITMQ_API'),
      /RABBITMQ_API is not in the Secret template/,
    ],
    [
      'networkPolicies: Postgres port closed',
      'overlays/production',
      RULES.networkPolicies,
      (r) =>
        (find(r, 'NetworkPolicy', 'core-egress').spec.egress[0].ports = find(r, 'NetworkPolicy', 'core-egress').spec.egress[0].ports.filter((p: any) => p.port !== 5432)),
      /core: egress to DATABASE_URL \(TCP 5432\)/,
    ],
    [
      'networkPolicies: provider port closed',
      'overlays/production',
      RULES.networkPolicies,
      (r) => find(r, 'NetworkPolicy', 'scheduler-egress').spec.egress[0].ports.pop(),
      /scheduler: egress to PROVIDER_URL \(TCP 443\)/,
    ],
    [
      'networkPolicies: no DNS',
      'overlays/production',
      RULES.networkPolicies,
      (r) => (r.objects = r.objects.filter((o) => o.metadata.name !== 'allow-dns')),
      /egress to DNS \(UDP 53\)/,
    ],
    [
      'networkPolicies: no OTLP',
      'overlays/production',
      RULES.networkPolicies,
      (r) => (r.objects = r.objects.filter((o) => o.metadata.name !== 'allow-otlp')),
      /OTEL_EXPORTER_OTLP_ENDPOINT \(TCP 4318\)/,
    ],
    [
      'networkPolicies: no default deny',
      'overlays/production',
      RULES.networkPolicies,
      (r) => (r.objects = r.objects.filter((o) => o.metadata.name !== 'default-deny-all')),
      /no default-deny/,
    ],
    [
      'networkPolicies: gateway unreachable',
      'overlays/production',
      RULES.networkPolicies,
      (r) => (r.objects = r.objects.filter((o) => o.metadata.name !== 'gateway-ingress')),
      /the Ingress routes to it but no NetworkPolicy admits port 3000/,
    ],
    ['ingress: no TLS', 'overlays/production', RULES.ingress, (r) => delete find(r, 'Ingress', 'gateway').spec.tls, /has no TLS/],
    [
      'ingress: metrics public',
      'overlays/production',
      RULES.ingress,
      (r) => (find(r, 'Ingress', 'gateway').spec.rules[0].http.paths[0].path = '/metrics'),
      /exposes health or metrics/,
    ],
    [
      'ingress: unknown backend port',
      'overlays/production',
      RULES.ingress,
      (r) => (find(r, 'Ingress', 'gateway').spec.rules[0].http.paths[0].backend.service.port.name = 'web'),
      /no such Service port/,
    ],
    [
      'digest: tag instead of digest',
      'overlays/production',
      digestRule,
      (r) => (container(r, 'gateway').image = 'registry.example.com/plans-platform:0.1.0'),
      /gateway: image .* not pinned by digest/,
    ],
  ];

  it.each(cases)('%s (%s)', (_rule, rendering, rule, change, problem) => {
    expect(rule(broken(rendering, change), secrets)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('should report two autoscalers when the HPAs of components/hpa-cpu join components/keda', () => {
    const hpas = RENDERINGS['base + components/hpa-cpu']().objects.filter((object) => object.kind === 'HorizontalPodAutoscaler' && object.metadata.name !== 'gateway');
    const both = broken('base + components/keda', (r) => r.objects.push(...structuredClone(hpas)));

    expect(RULES.autoscalers(both, secrets)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Deployment\/core: 2 autoscalers/), expect.stringMatching(/Deployment\/indexer: 2 autoscalers/)]),
    );
    // Both components whole do not even render: kustomize refuses the second gateway HPA.
    expect(() => renderBaseWith(['components/keda', 'components/hpa-cpu'])).toThrow(/already registered id: HorizontalPodAutoscaler/);
  });
});
