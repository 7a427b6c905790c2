/* global fetch, console, setTimeout */
// Tracing cost on the cached reads (GET /users/me, GET plan 200, both answered by the gateway's fast path): gateways
// side by side in interleaved rounds, CPU per request from the gateway's /proc/<pid>/stat (core serves none of
// these reads). See RESULTS.md (2026-12-06).
//   npm run build && flock /tmp/bench.lock node bench/tracing-cost.bench.js
// BUILDS=name=root,... : checkouts with a built dist/ (default: this one as "main"). Each build gets one core on its
//   own database (plans_platform_bench_<name>, dropped and migrated by the build's own migrate script) and vhost
//   (plans_bench_<name>); Redis database 12 (test slot 3's; the builds' keys differ by user and plan).
// GATEWAYS=build:mode,... : the gateways, mode off, 100 (always on) or 10 (parentbased_traceidratio 0.1), exporting
//   OTLP/protobuf to a loopback sink that drains the bodies (default: main:off,main:100,main:10). The first is the
//   reference of the CPU ratios. E.g. tracing off against the commit before tracing:
//   BUILDS=main=.,pretrace=/tmp/pretrace GATEWAYS=main:off,pretrace:off
// ROUNDS (6), SECS (4), CONNS (20), SCENARIOS (users/me,plan).
const { execFileSync, spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const autocannon = require('autocannon');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '..');
const SINK_PORT = 6699;
const list = (value) => value.split(',').filter(Boolean);
const builds = list(process.env.BUILDS ?? `main=${ROOT}`).map((pair) => {
  const [name, root] = pair.split('=');
  return { name, root: path.resolve(root) };
});
const modes = {
  off: {},
  100: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${SINK_PORT}` },
  10: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${SINK_PORT}`, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
};
const gateways = list(process.env.GATEWAYS ?? 'main:off,main:100,main:10').map((spec) => {
  const [build, mode] = spec.split(':');
  if (!builds.some((b) => b.name === build) || !(mode in modes)) throw new Error(`bad gateway ${spec}`);
  return { name: `${build} ${mode === 'off' ? 'off' : `${mode} %`}`, build: builds.find((b) => b.name === build), mode };
});
const settings = { rounds: Number(process.env.ROUNDS ?? 6), secs: Number(process.env.SECS ?? 4), conns: Number(process.env.CONNS ?? 20) };
const base = {
  PATH: process.env.PATH,
  NODE_ENV: 'test',
  REDIS_URL: 'redis://127.0.0.1:6379/12',
  JWT_KEYS_DIR: '/tmp/plans-platform-test-keys_3',
  LOG_LEVEL: 'warn',
  ADMIN_EMAIL: 'admin@test.local',
  ADMIN_PASSWORD: 'admin-password-1',
  RATE_LIMIT_ANON_PER_HOUR: '1000000000',
  RATE_LIMIT_USER_PER_HOUR: '1000000000',
};
const kids = [];
const cpuTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const post = (url, body, headers = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

function start(build, app, env) {
  const child = spawn(process.execPath, [`${build.root}/dist/apps/${app}/src/main.js`], { env: { ...build.env, ...env }, stdio: 'ignore' });
  kids.push(child);
  return child;
}

async function ready(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not ready: ${url}`);
}

// A fresh database and vhost, migrated, and one core on them.
async function startCore(build, index) {
  const db = `plans_platform_bench_${build.name}`;
  const vhost = `plans_bench_${build.name}`;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  try {
    execFileSync('rabbitmqctl', ['-q', 'delete_vhost', vhost], { stdio: 'pipe' });
  } catch {
    // not there yet
  }
  execFileSync('rabbitmqctl', ['-q', 'add_vhost', vhost], { stdio: 'pipe' });
  execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*'], { stdio: 'pipe' });
  build.env = { ...base, DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`, RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:5672/${vhost}` };
  execFileSync(process.execPath, [`${build.root}/dist/scripts/migrate.js`], { env: build.env, stdio: 'pipe' });
  const port = 6601 + index;
  start(build, 'core', { CORE_PORT: String(port) });
  await ready(`http://127.0.0.1:${port}`);
}

// A user and a plan of the build, both cached (read twice, the second a HIT).
async function prepareReads(build, url) {
  const email = `bench-${randomUUID()}@example.com`;
  await post(`${url}/api/v1/auth/signup`, { name: 'B', email, password: 'long-enough-1' });
  const token = (await (await post(`${url}/api/v1/auth/token`, { username: email, password: 'long-enough-1' })).json()).access_token;
  build.headers = { authorization: `Bearer ${token}` };
  const plan = JSON.parse(
    readFileSync(`${ROOT}/test/fixtures/plan-example.json`, 'utf8').replace(/"objectId":\s*"([^"]+)"/g, (_m, id) => `"objectId": "${id}-${build.name}"`),
  );
  const created = await post(`${url}/api/v1/plans`, plan, build.headers);
  if (created.status !== 201) throw new Error(`${build.name}: plan POST answered ${created.status}`);
  build.paths = { 'users/me': '/api/v1/users/me', plan: `/api/v1/plans/${plan.objectId}` };
}

(async () => {
  let received = 0;
  const sink = http
    .createServer((request, response) => {
      request.on('data', () => {});
      request.on('end', () => {
        received++;
        response.end('{}');
      });
    })
    .listen(SINK_PORT, '127.0.0.1');
  for (const [index, build] of builds.entries()) await startCore(build, index);
  for (const [index, gateway] of gateways.entries()) {
    gateway.url = `http://127.0.0.1:${6650 + index}`;
    gateway.child = start(gateway.build, 'gateway', { PORT: String(6650 + index), ...modes[gateway.mode] });
    await ready(gateway.url);
    if (!gateway.build.paths) await prepareReads(gateway.build, gateway.url);
  }
  const scenarios = list(process.env.SCENARIOS ?? 'users/me,plan');
  for (const gateway of gateways)
    for (const scenario of scenarios) {
      await fetch(gateway.url + gateway.build.paths[scenario], { headers: gateway.build.headers });
      const res = await fetch(gateway.url + gateway.build.paths[scenario], { headers: gateway.build.headers });
      if (res.status !== 200 || res.headers.get('x-cache') !== 'HIT') throw new Error(`${gateway.name} ${scenario}: ${res.status} X-Cache ${res.headers.get('x-cache')}`);
    }

  const run = async (gateway, scenario, secs) => {
    const before = cpuTicks(gateway.child.pid);
    const url = gateway.url + gateway.build.paths[scenario];
    const out = await autocannon({ url, connections: settings.conns, duration: secs, headers: gateway.build.headers });
    return { rps: out.requests.average, p99: out.latency.p99, cpuUs: ((cpuTicks(gateway.child.pid) - before) * 10_000) / out.requests.total, non2xx: out.non2xx };
  };
  const results = {};
  for (const scenario of scenarios) {
    for (const gateway of gateways) await run(gateway, scenario, 2); // warm-up
    for (let round = 0; round < settings.rounds; round++) {
      const order = round % 2 ? [...gateways].reverse() : gateways;
      for (const gateway of order) ((results[scenario] ??= {})[gateway.name] ??= []).push(await run(gateway, scenario, settings.secs));
    }
  }

  const [ref] = gateways;
  console.log(`| scenario | gateway | req/s | p99 ms | gateway CPU µs/req | CPU vs ${ref.name}, median of round ratios (min-max) | non-2xx |`);
  console.log('|---|---|---:|---:|---:|---|---:|');
  for (const scenario of scenarios)
    for (const gateway of gateways) {
      const rs = results[scenario][gateway.name];
      const ratios = rs.map((r, i) => r.cpuUs / results[scenario][ref.name][i].cpuUs);
      const range = `${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`;
      console.log(
        `| ${scenario} | ${gateway.name} | ${median(rs.map((r) => r.rps)).toFixed(0)} | ${median(rs.map((r) => r.p99))} | ${median(rs.map((r) => r.cpuUs)).toFixed(1)} | ${range} | ${rs.reduce((s, r) => s + r.non2xx, 0)} |`,
      );
    }
  const load = require('node:os')
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`load average ${load}; ${settings.rounds} rounds of ${settings.secs} s, ${settings.conns} connections; OTLP posts received ${received}`);
  kids.forEach((kid) => kid.kill('SIGTERM'));
  sink.close();
  setTimeout(() => process.exit(0), 3000);
})().catch((error) => {
  console.error(error);
  kids.forEach((kid) => kid.kill('SIGKILL'));
  process.exit(1);
});
