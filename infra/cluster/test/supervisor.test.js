'use strict';
// The supervisor's rules without starting anything: profiles (the built-in ones and the documented example file),
// the services and ports they make, and the parsing behind logs and status. SupervisorIT and ClusterFaultsIT (this
// module's Maven tests) run the same code on real processes.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const supervisor = require('../supervisor.js');

const EXAMPLE = path.join(__dirname, '..', 'turnstile-profiles.example.json');

function scratch() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'turnstile-supervisor-test-'));
}

function withEnvironment(variables, body) {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const option = (args) => supervisor.parseArgs(args);

test('the cluster profile makes 3 brokers, 2 processors, a gateway and the dashboard on ports derived from two bases', () => {
  const data = scratch();
  const profile = supervisor.resolveProfile(option(['up', '--profile', 'cluster', '--data-dir', data,
    '--http-port', '28180', '--kafka-port', '29092']), { starting: true });
  const services = supervisor.servicesOf(profile, '/dist');

  assert.deepEqual(services.map((s) => s.name),
    ['broker-1', 'broker-2', 'broker-3', 'processor-1', 'processor-2', 'gateway', 'dashboard']);
  const ports = Object.fromEntries(services.map((s) => [s.name, s.ports]));
  assert.deepEqual(ports['broker-1'], [29092, 29102, 28190]);
  assert.deepEqual(ports['broker-3'], [29094, 29104, 28192]);
  assert.deepEqual(ports['processor-1'], [28182]);
  assert.deepEqual(ports.gateway, [28180]);
  assert.deepEqual(ports.dashboard, [28181]);
  const broker = services[0].command;
  assert.ok(broker.includes('--replication-factor=3'));
  assert.ok(broker.includes('--quorum-voters=1@127.0.0.1:29102,2@127.0.0.1:29103,3@127.0.0.1:29104'));
  const gateway = services.find((s) => s.name === 'gateway').command;
  assert.ok(gateway.includes('--spring.kafka.bootstrap-servers=127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094'));
  // One cluster id per data directory, kept for the next start.
  assert.equal(fs.readFileSync(path.join(data, 'cluster-id'), 'utf8').trim(),
    broker.find((a) => a.startsWith('--cluster-id=')).slice('--cluster-id='.length));
});

test('the documented example profile resolves: an external cluster with its security settings from the environment', () => {
  const data = scratch();
  const services = withEnvironment({ TURNSTILE_KAFKA_PASSWORD: 'secret', TURNSTILE_AGENT_TOKEN_DIGESTS: 'sha256:ab' }, () => {
    const profile = supervisor.resolveProfile(option(['up', '--profile', 'staging', '--profiles-file', EXAMPLE,
      '--data-dir', data]), { starting: true });
    assert.equal(profile.kind, 'external');
    return supervisor.servicesOf(profile, '/dist');
  });

  assert.deepEqual(services.map((s) => s.name), ['processor-1', 'processor-2', 'gateway', 'dashboard']);
  const processor = services[0].command;
  assert.ok(processor.includes('--spring.kafka.properties.security.protocol=SASL_SSL'));
  assert.ok(processor.some((a) => a.startsWith('--spring.kafka.properties.sasl.jaas.config=') && a.includes('password="secret"')));
  const dashboard = services.find((s) => s.name === 'dashboard');
  assert.ok(dashboard.command.indexOf('-Xmx512m') < dashboard.command.indexOf('-jar'), 'JVM options go before -jar');
  assert.deepEqual(dashboard.env, { TZ: 'UTC' });
  assert.ok(services.find((s) => s.name === 'gateway').command.includes('--turnstile.security.agent-tokens=sha256:ab'));
});

test('a profile using an unset environment variable is refused before anything starts, naming the variable', () => {
  withEnvironment({ TURNSTILE_KAFKA_PASSWORD: 'secret' }, () => {
    delete process.env.TURNSTILE_AGENT_TOKEN_DIGESTS;
    assert.throws(() => supervisor.resolveProfile(option(['up', '--profile', 'staging', '--profiles-file', EXAMPLE,
      '--data-dir', scratch()]), { starting: true }),
    (e) => e.code === supervisor.EXIT.CONFIG_INVALID && /TURNSTILE_AGENT_TOKEN_DIGESTS/.test(e.message));
  });
});

test('an unknown profile is EXIT_PROFILE_UNDEFINED, naming the known ones', () => {
  assert.throws(() => supervisor.resolveProfile(option(['up', '--profile', 'prod', '--data-dir', scratch()])),
    (e) => e.code === supervisor.EXIT.PROFILE_UNDEFINED && /known: development, cluster/.test(e.message));
});

test('a profile may leave services out, and "processors": 0 means none', () => {
  const dir = scratch();
  const file = path.join(dir, 'profiles.json');
  fs.writeFileSync(file, JSON.stringify({
    lonely: { kind: 'external', kafka: { bootstrapServers: 'k:9092' }, processors: 0, services: { dashboard: { enabled: false } } },
  }));
  const profile = supervisor.resolveProfile(option(['up', '--profile', 'lonely', '--profiles-file', file, '--data-dir', dir]));
  assert.deepEqual(supervisor.servicesOf(profile, '/dist').map((s) => s.name), ['gateway']);
});

test('log lines are dated by PM2\'s prefix, and --since takes s, m, h and d', () => {
  assert.equal(supervisor.lineTime('2026-11-26T04:21:10.068+00:00: restart 1'), Date.parse('2026-11-26T04:21:10.068Z'));
  assert.ok(Number.isNaN(supervisor.lineTime('\tat org.apache.kafka.Something')));
  assert.equal(supervisor.parseDuration('48h'), 48 * 3600 * 1000);
  assert.equal(supervisor.parseDuration('90s'), 90 * 1000);
  assert.throws(() => supervisor.parseDuration('two days'), (e) => e.code === supervisor.EXIT.USAGE);
});

test('status exits RESTART_THRESHOLD_EXCEEDED for a failed service, DEGRADED for one not ready, NOT_RUNNING when nothing runs', () => {
  const row = (state, health) => ({ state, health });
  const code = (...rows) => supervisor.statusExitCode({ services: rows });
  assert.equal(code(row('online', 'ready'), row('online', 'ready')), supervisor.EXIT.OK);
  assert.equal(code(row('online', 'ready'), row('failed', '-')), supervisor.EXIT.RESTART_THRESHOLD_EXCEEDED);
  assert.equal(code(row('online', 'ready'), row('backoff', '-')), supervisor.EXIT.DEGRADED);
  assert.equal(code(row('stopped', '-'), row('not started', '-')), supervisor.EXIT.NOT_RUNNING);
});
