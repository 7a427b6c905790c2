import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { QUEUES } from '@app/contracts';
import { AppFacts, appOfCommand, Env, healthPaths, isRuntimeVariable, maxOldSpaceMiB, portOfUrl, semiSpaceProblem } from './app-facts.util';
import { K8sObject, Rendering } from './manifests.util';

// Each rule returns the problems it finds in one rendering ([] when it holds). The specs assert [] on every real
// rendering, and feed each rule a broken copy to show it can fail.
export type Rule = (rendering: Rendering, secrets: Record<string, string>) => string[];

const MODELS: Record<string, { new (data: any): { validate(): void } }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
};

const of = (rendering: Rendering, kind: string) => rendering.objects.filter((object) => object.kind === kind);
const id = (object: K8sObject) => `${object.kind}/${object.metadata.name}`;

export interface Workload {
  deployment: K8sObject;
  container: any;
  app: AppFacts;
  env: Env;
  // Variables set (by value, ConfigMap or Secret), even when the value is not known here.
  set: Set<string>;
  problems: string[];
}

// Each Deployment's container, the app it runs and its environment as the pod would see it (ConfigMaps from the
// rendering, Secret keys from the template).
export function workloads(rendering: Rendering, secrets: Record<string, string>): Workload[] {
  const configMaps = new Map(of(rendering, 'ConfigMap').map((map) => [map.metadata.name, map.data ?? {}]));
  return of(rendering, 'Deployment').flatMap((deployment) =>
    (deployment.spec?.template?.spec?.containers ?? []).flatMap((container: any) => {
      const app = appOfCommand(container.command);
      if (!app) return [];
      const env: Env = {};
      const set = new Set<string>();
      const problems: string[] = [];
      for (const source of container.envFrom ?? []) {
        const data = source.configMapRef ? configMaps.get(source.configMapRef.name) : undefined;
        if (!data) problems.push(`${id(deployment)}: envFrom ${JSON.stringify(source)} is no ConfigMap of this rendering`);
        for (const [key, value] of Object.entries(data ?? {})) {
          env[key] = value;
          set.add(key);
        }
      }
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref) {
          const value = ref.name === 'platform-secrets' ? secrets[ref.key] : undefined;
          if (value === undefined && !ref.optional) problems.push(`${id(deployment)}: ${variable.name} reads ${ref.name}/${ref.key}, which the Secret template lacks`);
          if (value !== undefined) env[variable.name] = value;
          set.add(variable.name);
        } else if (variable.valueFrom) {
          set.add(variable.name);
        } else {
          env[variable.name] = String(variable.value ?? '');
          set.add(variable.name);
        }
      }
      return [{ deployment, container, app, env, set, problems }];
    }),
  );
}

function loaded(workload: Workload): Record<string, unknown> | undefined {
  try {
    return workload.app.load(workload.env);
  } catch {
    return undefined;
  }
}

function mebibytes(quantity: string | number | undefined): number | undefined {
  if (quantity === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(String(quantity));
  if (!match) return undefined;
  const factor: Record<string, number> = { '': 1 / 1024 / 1024, Ki: 1 / 1024, Mi: 1, Gi: 1024, k: 1000 / 1024 / 1024, M: 1e6 / 1024 / 1024, G: 1e9 / 1024 / 1024 };
  return Number(match[1]) * factor[match[2] ?? ''];
}

const namedPort = (container: any, port: string | number) =>
  typeof port === 'number' ? port : (container.ports ?? []).find((entry: any) => entry.name === port)?.containerPort;

// Every object is valid against its Kubernetes (or KEDA CRD) schema; an unknown kind fails.
export const schemaRule: Rule = (rendering) =>
  rendering.objects.flatMap((object) => {
    const model = MODELS[`${object.apiVersion}/${object.kind}`];
    if (!model) return [`${id(object)}: no schema for ${object.apiVersion} ${object.kind}`];
    try {
      new model(object).validate();
      return [];
    } catch (error) {
      return [`${id(object)}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`];
    }
  });

// Every variable set for an app is one its config schema reads (or a runtime one), the app's own reader accepts
// the environment, and every URL the code connects to is set (the defaults point at 127.0.0.1).
export const envRule: Rule = (rendering, secrets) =>
  workloads(rendering, secrets).flatMap((workload) => {
    const { app, deployment } = workload;
    const problems = [...workload.problems];
    for (const name of workload.set) {
      if (!app.variables.has(name) && !isRuntimeVariable(name)) problems.push(`${id(deployment)}: ${name} is not read by ${app.name}'s config schema`);
    }
    try {
      app.load(workload.env);
    } catch (error) {
      problems.push(`${id(deployment)}: ${app.name}'s config rejects the environment: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const key of app.connects) {
      if (!workload.set.has(key)) problems.push(`${id(deployment)}: ${key} is not set, so ${app.name} would connect to its loopback default`);
    }
    return problems;
  });

// Readiness and liveness on the health routes the apps register, on the port the app's config listens on, and the
// app listening on every interface (the kubelet probes the pod IP).
export const probeRule: Rule = (rendering, secrets) => {
  const paths = healthPaths();
  return workloads(rendering, secrets).flatMap((workload) => {
    const { app, container, deployment } = workload;
    const config = loaded(workload);
    if (!config) return [`${id(deployment)}: config does not load (see the env rule)`];
    const port = config[app.portKey] as number;
    const problems: string[] = [];
    if (!(container.ports ?? []).some((entry: any) => entry.containerPort === port)) problems.push(`${id(deployment)}: no containerPort ${port} (${app.portKey})`);
    const probes: Array<[string, string]> = [
      ['readinessProbe', paths.ready],
      ['livenessProbe', paths.live],
      ['startupProbe', paths.live],
    ];
    for (const [probe, path] of probes) {
      const get = container[probe]?.httpGet;
      if (!get) {
        if (probe !== 'startupProbe') problems.push(`${id(deployment)}: no ${probe}`);
        continue;
      }
      if (get.path !== path) problems.push(`${id(deployment)}: ${probe} on ${get.path}, the app serves ${path}`);
      if (namedPort(container, get.port) !== port) problems.push(`${id(deployment)}: ${probe} on port ${get.port}, the app listens on ${port}`);
    }
    for (const [key, value] of Object.entries(config)) {
      if (/_HOST$/.test(key) && (value === '127.0.0.1' || value === 'localhost')) problems.push(`${id(deployment)}: ${key}=${String(value)}, probes cannot reach it`);
    }
    return problems;
  });
};

// Requests and limits for CPU and memory; non-root, no privilege escalation, read-only root, no capabilities; no
// service links (they would inject CORE_PORT=tcp://... over the apps' own *_PORT settings).
export const podRule: Rule = (rendering, secrets) =>
  workloads(rendering, secrets).flatMap(({ deployment, container }) => {
    const pod = deployment.spec.template.spec;
    const problems: string[] = [];
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (container.resources?.[kind]?.[resource] === undefined) problems.push(`${id(deployment)}: no ${resource} ${kind}`);
      }
    }
    const requested = mebibytes(container.resources?.requests?.memory);
    const limit = mebibytes(container.resources?.limits?.memory);
    if (requested !== undefined && limit !== undefined && requested > limit) problems.push(`${id(deployment)}: memory request above the limit`);
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${id(deployment)}: pod not runAsNonRoot`);
    if (!(pod.securityContext?.runAsUser > 0)) problems.push(`${id(deployment)}: pod runAsUser is not a non-root uid`);
    const security = container.securityContext ?? {};
    if (security.allowPrivilegeEscalation !== false) problems.push(`${id(deployment)}: allowPrivilegeEscalation not false`);
    if (security.readOnlyRootFilesystem !== true) problems.push(`${id(deployment)}: root filesystem not read-only`);
    if (!(security.capabilities?.drop ?? []).includes('ALL')) problems.push(`${id(deployment)}: capabilities not dropped`);
    if (pod.enableServiceLinks !== false) problems.push(`${id(deployment)}: enableServiceLinks not false`);
    return problems;
  });

// NODE_OPTIONS sets --max-old-space-size at 60-80 % of the container's memory limit and bounds the young generation.
export const memoryRule: Rule = (rendering, secrets) =>
  workloads(rendering, secrets).flatMap(({ deployment, container, env }) => {
    const young = semiSpaceProblem(env.NODE_OPTIONS);
    const problems = young ? [`${id(deployment)}: ${young}`] : [];
    const heap = maxOldSpaceMiB(env.NODE_OPTIONS);
    const limit = mebibytes(container.resources?.limits?.memory);
    if (heap === undefined) return [`${id(deployment)}: NODE_OPTIONS sets no --max-old-space-size`, ...problems];
    if (limit === undefined) return [`${id(deployment)}: no memory limit to size the heap against`, ...problems];
    const share = heap / limit;
    if (share < 0.6 || share > 0.8) problems.unshift(`${id(deployment)}: heap ${heap} MiB is ${Math.round(share * 100)} % of the ${limit} MiB limit (want 60-80 %)`);
    return problems;
  });

// On SIGTERM readiness fails at once (libs/common startup.ts), the app drains for SHUTDOWN_GRACE_MS and then has
// 5 s more to close (closeOnSignals' deadline); the preStop sleep runs first. All of it within the grace period.
export const shutdownRule: Rule = (rendering, secrets) =>
  workloads(rendering, secrets).flatMap((workload) => {
    const { deployment, container, app } = workload;
    const config = loaded(workload);
    const command: string[] = container.lifecycle?.preStop?.exec?.command ?? [];
    const sleep = command[0] === 'sleep' ? Number(command[1]) : NaN;
    if (!(sleep > 0)) return [`${id(deployment)}: no preStop sleep`];
    if (!container.readinessProbe) return [`${id(deployment)}: no readinessProbe to fail on SIGTERM`];
    if (!config) return [`${id(deployment)}: config does not load (see the env rule)`];
    const needed = sleep + app.shutdownGraceMs(config) / 1000 + 5;
    const grace = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    return grace > needed ? [] : [`${id(deployment)}: terminationGracePeriodSeconds ${grace} <= preStop ${sleep} s + shutdown ${needed - sleep} s`];
  });

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  Boolean(selector) && Object.keys(selector!).length > 0 && Object.entries(selector!).every(([key, value]) => labels?.[key] === value);

// Every Service selects the pods of a Deployment, on a port their container declares.
export const serviceRule: Rule = (rendering) =>
  of(rendering, 'Service').flatMap((service) => {
    const pods = of(rendering, 'Deployment').filter((deployment) => selects(service.spec?.selector, deployment.spec?.template?.metadata?.labels));
    if (pods.length === 0) return [`${id(service)}: selects no pods`];
    return (service.spec.ports ?? []).flatMap((port: any) => {
      const target = port.targetPort ?? port.port;
      const served = pods.some((deployment) =>
        deployment.spec.template.spec.containers.some(
          (container: any) =>
            namedPort(container, target) !== undefined && (typeof target === 'string' || (container.ports ?? []).some((entry: any) => entry.containerPort === target)),
        ),
      );
      return served ? [] : [`${id(service)}: targetPort ${target} is no container port of the selected pods`];
    });
  });

// Exactly one owner of each Deployment's replica count: a fixed `replicas` or one autoscaler (an HPA, or a
// ScaledObject, which makes its own HPA), never both, never two autoscalers.
export const autoscalerRule: Rule = (rendering) => {
  const deployments = of(rendering, 'Deployment');
  const targets = [
    ...of(rendering, 'HorizontalPodAutoscaler').map((hpa) => ({ by: id(hpa), kind: hpa.spec?.scaleTargetRef?.kind, name: hpa.spec?.scaleTargetRef?.name })),
    ...of(rendering, 'ScaledObject').map((scaled) => ({
      by: id(scaled),
      kind: scaled.spec?.scaleTargetRef?.kind ?? 'Deployment',
      name: scaled.spec?.scaleTargetRef?.name,
    })),
  ];
  const problems = targets
    .filter((target) => target.kind !== 'Deployment' || !deployments.some((deployment) => deployment.metadata.name === target.name))
    .map((target) => `${target.by}: scales ${target.kind}/${target.name}, which this rendering lacks`);
  for (const deployment of deployments) {
    const owners = targets.filter((target) => target.kind === 'Deployment' && target.name === deployment.metadata.name);
    const fixed = deployment.spec?.replicas !== undefined;
    if (owners.length > 1) problems.push(`${id(deployment)}: ${owners.length} autoscalers (${owners.map((owner) => owner.by).join(', ')})`);
    if (owners.length === 1 && fixed) problems.push(`${id(deployment)}: fixed replicas and ${owners[0].by} both set the count`);
    if (owners.length === 0 && !fixed) problems.push(`${id(deployment)}: neither replicas nor an autoscaler`);
  }
  return problems;
};

// KEDA: the RabbitMQ trigger reads the app's work queue (the constant in @app/contracts) over the management API
// (protocol http counts unacked messages), beside a CPU trigger; never below one replica; a fallback count; its
// TriggerAuthentication reads keys the Secret has.
export const kedaRule: Rule = (rendering, secrets) => {
  const deployments = workloads(rendering, secrets);
  const authentications = new Map(of(rendering, 'TriggerAuthentication').map((auth) => [auth.metadata.name, auth]));
  const queues = new Set<string>(Object.values(QUEUES));
  return of(rendering, 'ScaledObject').flatMap((scaled) => {
    const spec = scaled.spec ?? {};
    const target = deployments.find((workload) => workload.deployment.metadata.name === spec.scaleTargetRef?.name);
    const problems: string[] = [];
    if (!target) return [`${id(scaled)}: scales no Deployment of this rendering`];
    const triggers: any[] = spec.triggers ?? [];
    const rabbit = triggers.filter((trigger) => trigger.type === 'rabbitmq');
    if (rabbit.length === 0) problems.push(`${id(scaled)}: no rabbitmq trigger`);
    for (const trigger of rabbit) {
      const queue = trigger.metadata?.queueName;
      if (!queues.has(queue)) problems.push(`${id(scaled)}: queue ${queue} is no queue of @app/contracts`);
      else if (queue !== target.app.workQueue) problems.push(`${id(scaled)}: queue ${queue}, but ${target.app.name} works on ${target.app.workQueue ?? 'no queue'}`);
      if (trigger.metadata?.protocol !== 'http')
        problems.push(`${id(scaled)}: rabbitmq protocol ${trigger.metadata?.protocol ?? '(auto)'}, want http (counts unacked messages)`);
      const auth = authentications.get(trigger.authenticationRef?.name);
      if (!auth) problems.push(`${id(scaled)}: authenticationRef ${trigger.authenticationRef?.name} is no TriggerAuthentication here`);
      for (const ref of auth?.spec?.secretTargetRef ?? []) {
        if (ref.name !== 'platform-secrets' || secrets[ref.key] === undefined) problems.push(`${id(auth!)}: ${ref.name}/${ref.key} is not in the Secret template`);
      }
    }
    if (!triggers.some((trigger) => trigger.type === 'cpu')) problems.push(`${id(scaled)}: no cpu trigger`);
    if (!(spec.minReplicaCount >= 1)) problems.push(`${id(scaled)}: minReplicaCount ${spec.minReplicaCount ?? 0} (0 stops the RPC/consumer)`);
    if (!(spec.fallback?.replicas >= 1)) problems.push(`${id(scaled)}: no fallback replicas`);
    // KEDA accepts a fallback only beside a non-CPU trigger of metric type AverageValue (the default).
    if (spec.fallback && !triggers.some((trigger) => !['cpu', 'memory'].includes(trigger.type) && (trigger.metricType ?? 'AverageValue') === 'AverageValue')) {
      problems.push(`${id(scaled)}: fallback without an AverageValue trigger`);
    }
    return problems;
  });
};

type PolicyPort = { protocol: string; port: number | string };

function podPolicies(rendering: Rendering, labels: Record<string, string>, type: 'Ingress' | 'Egress'): any[] {
  return of(rendering, 'NetworkPolicy').filter((policy) => {
    const selector = policy.spec?.podSelector?.matchLabels ?? {};
    const matches = Object.entries(selector).every(([key, value]) => labels[key] === value);
    return matches && (policy.spec?.policyTypes ?? []).includes(type);
  });
}

// The namespace of the controller behind each ingress class.
const INGRESS_CONTROLLER_NAMESPACES: Record<string, string> = { nginx: 'ingress-nginx' };

// A rule admits traffic from `namespace` when it has no `from`, or a peer selecting that namespace by name.
const fromNamespace = (rule: any, namespace: string) =>
  !rule.from?.length || rule.from.some((peer: any) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === namespace);

function allows(rules: any[], wanted: PolicyPort, container?: any): boolean {
  return rules.some((rule) => {
    const ports: any[] = rule.ports ?? [];
    if (ports.length === 0) return true;
    return ports.some(
      (entry) =>
        (entry.protocol ?? 'TCP') === wanted.protocol &&
        (entry.port === undefined || entry.port === wanted.port || (container && namedPort(container, entry.port) === wanted.port)),
    );
  });
}

// With NetworkPolicies: a default deny of both directions, and for each app egress to DNS, to every URL its code
// connects to (the port of the configured or Secret template URL), to the OTLP endpoint when set; ingress to the
// gateway's port when an Ingress routes to it.
export const networkPolicyRule: Rule = (rendering, secrets) => {
  const policies = of(rendering, 'NetworkPolicy');
  if (policies.length === 0) return [];
  const problems: string[] = [];
  const denyAll = policies.some(
    (policy) =>
      Object.keys(policy.spec?.podSelector ?? {}).length === 0 &&
      ['Ingress', 'Egress'].every((type) => (policy.spec?.policyTypes ?? []).includes(type)) &&
      !policy.spec?.ingress?.length &&
      !policy.spec?.egress?.length,
  );
  if (!denyAll) problems.push('no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)');
  // Service name -> the namespace its Ingress traffic comes from.
  const ingressSources = new Map<string, string>(
    of(rendering, 'Ingress').flatMap((ingress) =>
      (ingress.spec?.rules ?? []).flatMap((rule: any) =>
        (rule.http?.paths ?? []).map((path: any): [string, string] => [
          path.backend?.service?.name,
          INGRESS_CONTROLLER_NAMESPACES[ingress.spec?.ingressClassName] ?? '(unknown ingress class)',
        ]),
      ),
    ),
  );
  for (const { deployment, container, app, env } of workloads(rendering, secrets)) {
    const labels = deployment.spec.template.metadata.labels ?? {};
    const egress = podPolicies(rendering, labels, 'Egress').flatMap((policy) => policy.spec?.egress ?? []);
    const wanted: Array<[string, PolicyPort]> = [['DNS', { protocol: 'UDP', port: 53 }]];
    for (const key of app.connects) if (env[key]) wanted.push([key, { protocol: 'TCP', port: portOfUrl(env[key]) }]);
    if (env.OTEL_EXPORTER_OTLP_ENDPOINT) wanted.push(['OTEL_EXPORTER_OTLP_ENDPOINT', { protocol: 'TCP', port: portOfUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT) }]);
    for (const [what, port] of wanted) {
      if (!allows(egress, port)) problems.push(`${id(deployment)}: egress to ${what} (${port.protocol} ${port.port}) is not allowed`);
    }
    const services = of(rendering, 'Service').filter((service) => selects(service.spec?.selector, labels));
    for (const service of services) {
      const source = ingressSources.get(service.metadata.name);
      if (!source) continue;
      const ingress = podPolicies(rendering, labels, 'Ingress')
        .flatMap((policy) => policy.spec?.ingress ?? [])
        .filter((rule: any) => fromNamespace(rule, source));
      const port = container.ports?.[0]?.containerPort as number;
      if (!allows(ingress, { protocol: 'TCP', port }, container))
        problems.push(`${id(deployment)}: the Ingress routes to it but no NetworkPolicy admits port ${port} from ${source}`);
    }
  }
  return problems;
};

// The Ingress: TLS for every host, backends that exist, and nothing routed to /health or /metrics.
export const ingressRule: Rule = (rendering) =>
  of(rendering, 'Ingress').flatMap((ingress) => {
    const problems: string[] = [];
    const tlsHosts = new Set((ingress.spec?.tls ?? []).flatMap((tls: any) => tls.hosts ?? []));
    for (const rule of ingress.spec?.rules ?? []) {
      if (!tlsHosts.has(rule.host)) problems.push(`${id(ingress)}: host ${rule.host} has no TLS`);
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend?.service;
        const service = of(rendering, 'Service').find((candidate) => candidate.metadata.name === backend?.name);
        const portKnown = service?.spec?.ports?.some((port: any) => port.name === backend?.port?.name || port.port === backend?.port?.number);
        if (!portKnown) problems.push(`${id(ingress)}: ${path.path} goes to ${backend?.name}:${backend?.port?.name ?? backend?.port?.number}, no such Service port`);
        if (path.path === '/' || /^\/(health|metrics)/.test(path.path)) problems.push(`${id(ingress)}: ${path.path} exposes health or metrics publicly`);
      }
    }
    return problems;
  });

// Every container image is pinned by digest.
export const digestRule: Rule = (rendering) =>
  of(rendering, 'Deployment').flatMap((deployment) =>
    deployment.spec.template.spec.containers
      .filter((container: any) => !/@sha256:[0-9a-f]{64}$/.test(container.image))
      .map((container: any) => `${id(deployment)}: image ${container.image} not pinned by digest`),
  );

export const RULES: Record<string, Rule> = {
  schema: schemaRule,
  env: envRule,
  probes: probeRule,
  pod: podRule,
  memory: memoryRule,
  shutdown: shutdownRule,
  services: serviceRule,
  autoscalers: autoscalerRule,
  keda: kedaRule,
  networkPolicies: networkPolicyRule,
  ingress: ingressRule,
};
