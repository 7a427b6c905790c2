/* global fetch, console, setTimeout */
// Tracing cost on the cached read: gateways with tracing off, at 100 % and at 10 %, side by side, interleaved
// rounds (see RESULTS.md, 2026-12-06). Needs `npm run build` and test slot 3 migrated (an e2e run does it).
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const autocannon = require('autocannon');
// The checkout this script sits in (run it from the repository: node bench/tracing-cost.bench.js).
const ROOT = path.resolve(__dirname, '..');
const base = {
  PATH: process.env.PATH,
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/plans_platform_test_3',
  REDIS_URL: 'redis://127.0.0.1:6379/12',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672/plans_test_3',
  JWT_KEYS_DIR: '/tmp/plans-platform-test-keys_3',
  LOG_LEVEL: 'warn',
  ADMIN_EMAIL: 'admin@test.local',
  ADMIN_PASSWORD: 'admin-password-1',
  RATE_LIMIT_ANON_PER_HOUR: '1000000000',
  RATE_LIMIT_USER_PER_HOUR: '1000000000',
};
const kids = [];
function start(script, env) {
  const c = spawn(process.execPath, [`${ROOT}/dist/apps/${script}/src/main.js`], { env: { ...base, ...env }, stdio: 'ignore' });
  kids.push(c);
  return c;
}
const cpu = (pid) => {
  const f = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};
async function ready(url) {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(url + '/health/ready');
      if (r.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('not ready ' + url);
}
(async () => {
  let received = 0;
  const sink = http
    .createServer((q, s) => {
      q.on('data', () => {});
      q.on('end', () => {
        received++;
        s.end('{}');
      });
    })
    .listen(6699, '127.0.0.1');
  start('core', { CORE_PORT: '6621' });
  await ready('http://127.0.0.1:6621');
  const cfg = {
    off: {},
    '100%': { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:6699' },
    '10%': { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:6699', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
  };
  const gws = {};
  let port = 6630;
  for (const [name, env] of Object.entries(cfg)) {
    const p = port++;
    gws[name] = { child: start('gateway', { PORT: String(p), ...env }), url: `http://127.0.0.1:${p}` };
    await ready(gws[name].url);
  }
  const url = gws.off.url;
  const email = `bench-${Date.now()}@example.com`;
  await fetch(url + '/api/v1/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'B', email, password: 'long-enough-1' }),
  });
  const tok = (
    await (
      await fetch(url + '/api/v1/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: email, password: 'long-enough-1' }),
      })
    ).json()
  ).access_token;
  const rounds = Number(process.env.ROUNDS ?? 4),
    secs = Number(process.env.SECS ?? 4);
  const res = { off: [], '100%': [], '10%': [] };
  for (const g of Object.values(gws)) await autocannon({ url: g.url + '/api/v1/users/me', connections: 20, duration: 1, headers: { authorization: `Bearer ${tok}` } });
  for (let r = 0; r < rounds; r++)
    for (const name of r % 2 ? ['10%', '100%', 'off'] : ['off', '100%', '10%']) {
      const g = gws[name];
      const c0 = cpu(g.child.pid);
      const out = await autocannon({ url: g.url + '/api/v1/users/me', connections: 20, duration: secs, headers: { authorization: `Bearer ${tok}` } });
      const ticks = cpu(g.child.pid) - c0;
      res[name].push({ rps: out.requests.average, p99: out.latency.p99, cpuMsPerReq: (ticks * 10) / out.requests.total, non2xx: out.non2xx });
    }
  const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  for (const [name, rs] of Object.entries(res))
    console.log(
      name,
      JSON.stringify({
        rps: med(rs.map((x) => x.rps)),
        p99ms: med(rs.map((x) => x.p99)),
        cpuMsPerReq: med(rs.map((x) => x.cpuMsPerReq)).toFixed(4),
        non2xx: rs.reduce((s, x) => s + x.non2xx, 0),
      }),
    );
  console.log('otlp posts received', received);
  kids.forEach((k) => k.kill('SIGTERM'));
  sink.close();
  setTimeout(() => process.exit(0), 3000);
})().catch((e) => {
  console.error(e);
  kids.forEach((k) => k.kill('SIGKILL'));
  process.exit(1);
});
