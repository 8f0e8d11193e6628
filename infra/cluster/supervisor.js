#!/usr/bin/env node
'use strict';
// bin/turnstile's supervised profiles: up/start, stop, restart <service>, status [--json], logs <service>.
// PM2 (pinned in package.json, installed by bin/turnstile with npm ci) does the supervising, from an ecosystem file this
// script writes for the chosen profile; pm2-logrotate (also pinned) rotates the logs. What PM2 cannot express — a
// restart limit within a time window with a capped exponential backoff — is run-service.sh's. See the README's
// "Operations: profiles and the supervisor".

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const http = require('http');
const { spawnSync, spawn } = require('child_process');

const HERE = __dirname;
const ROOT = path.resolve(HERE, '..', '..');

/** Named exit codes (also in the README): automation tells failures apart by them. */
const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  PROFILE_UNDEFINED: 20,
  CONFLICTING_PROCESS: 21,
  PORT_IN_USE: 22,
  DEGRADED: 23,
  RESTART_THRESHOLD_EXCEEDED: 24,
  PREREQUISITE_MISSING: 25,
  UNKNOWN_SERVICE: 26,
  NOT_RUNNING: 27,
  CONFIG_INVALID: 28,
};
const EXIT_NAMES = Object.fromEntries(Object.entries(EXIT).map(([name, code]) => [code, `EXIT_${name}`]));
/** run-service.sh's exit past the restart threshold; PM2 is told not to restart on it. */
const EXIT_RESTART_THRESHOLD_SCRIPT = 78;

const DEFAULT_POLICY = { maxRestarts: 5, windowSeconds: 600, initialBackoffSeconds: 5, maxBackoffSeconds: 120 };
const DEPENDENCY_WAIT_SECONDS = 90;
const LOG_DAYS_ONLINE = 14;

class Failure extends Error {
  /** An expected failure: what failed, the exit code, the service, and one remediation step. */
  constructor(code, message, remediation, service) {
    super(message);
    this.code = code;
    this.remediation = remediation;
    this.service = service;
  }
}

// --- arguments ---------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = { positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? (eq > 0 ? arg.slice(2, eq) : arg.slice(2)) : null;
    const valued = ['profile', 'data-dir', 'tail', 'since', 'profiles-file', 'http-port', 'kafka-port', 'wait'];
    if (name && valued.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new Failure(EXIT.USAGE, `--${name} needs a value`, `run bin/turnstile help`);
      options[name] = value;
    } else if (name) {
      options[name] = true;
    } else if (arg === '-f') {
      options.follow = true;
    } else if (arg === '-n') {
      options.tail = argv[++i];
    } else {
      options.positional.push(arg);
    }
  }
  return options;
}

// --- profiles ----------------------------------------------------------------------------------------------------

function profilesFile(options) {
  return options['profiles-file'] || process.env.TURNSTILE_PROFILES || path.join(ROOT, 'turnstile-profiles.json');
}

function loadProfiles(options) {
  const builtIn = JSON.parse(fs.readFileSync(path.join(HERE, 'profiles.json'), 'utf8'));
  const file = profilesFile(options);
  let own = {};
  if (fs.existsSync(file)) {
    try {
      own = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Failure(EXIT.CONFIG_INVALID, `The profiles file ${file} is not valid JSON: ${e.message}`,
        `fix it (its format: infra/cluster/turnstile-profiles.example.json)`);
    }
  }
  return { profiles: { ...builtIn, ...own }, file };
}

/** What `up` started on a data directory: later commands there use the same profile and ports. */
function savedProfile(dataDir) {
  const file = path.join(dataDir, 'profile.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return null;
  }
}

function resolveProfile(options, { starting = false } = {}) {
  const explicitDir = options['data-dir'] || process.env.TURNSTILE_DATA_DIR;
  const savedThere = explicitDir ? savedProfile(path.resolve(ROOT, explicitDir)) : null;
  const name = options.profile || process.env.TURNSTILE_PROFILE || (savedThere && savedThere.name) || 'development';
  const { profiles, file } = loadProfiles(options);
  const raw = profiles[name];
  if (!raw) {
    throw new Failure(EXIT.PROFILE_UNDEFINED,
      `Profile "${name}" is not defined (known: ${Object.keys(profiles).join(', ')})`,
      `define it in ${file} (see infra/cluster/turnstile-profiles.example.json), or pass --profile with one of those`);
  }
  const profile = substituteEnvironment(JSON.parse(JSON.stringify(raw)), name);
  if (!['all-in-one', 'local-cluster', 'external'].includes(profile.kind)) {
    throw new Failure(EXIT.CONFIG_INVALID, `Profile "${name}" has kind "${profile.kind}"`,
      `set "kind" to all-in-one, local-cluster or external in ${file}`);
  }
  if (profile.kind === 'external' && !(profile.kafka && profile.kafka.bootstrapServers)) {
    throw new Failure(EXIT.CONFIG_INVALID, `Profile "${name}" is external but names no Kafka cluster`,
      `set "kafka": {"bootstrapServers": "host:9092,..."} in ${file}`);
  }
  profile.name = name;
  profile.ports = { http: 8180, kafka: 19092, ...(profile.ports || {}) };
  if (options['http-port']) profile.ports.http = Number(options['http-port']);
  if (options['kafka-port']) profile.ports.kafka = Number(options['kafka-port']);
  profile.dataDir = path.resolve(ROOT, options['data-dir'] || process.env.TURNSTILE_DATA_DIR || profile.dataDir
    || path.join('.data', name));
  const saved = savedProfile(profile.dataDir);
  if (!starting && saved && saved.name === name) {
    if (!options['http-port']) profile.ports.http = saved.ports.http;
    if (!options['kafka-port']) profile.ports.kafka = saved.ports.kafka;
  }
  profile.restartPolicy = { ...DEFAULT_POLICY, ...(profile.restartPolicy || {}) };
  profile.services = profile.services || {};
  return profile;
}

/** ${NAME} in any string of a profile is the environment's NAME; a missing one stops here, before anything starts. */
function substituteEnvironment(value, profileName) {
  const missing = new Set();
  const walk = (v) => {
    if (typeof v === 'string') {
      return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable) => {
        if (process.env[variable] === undefined) missing.add(variable);
        return process.env[variable] || '';
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const resolved = walk(value);
  if (missing.size) {
    throw new Failure(EXIT.CONFIG_INVALID,
      `Profile "${profileName}" uses environment variables that are not set: ${[...missing].join(', ')}`,
      `export ${[...missing].map((v) => `${v}=...`).join(' ')} and run the command again; nothing was started`);
  }
  return resolved;
}

// --- the services of a profile -----------------------------------------------------------------------------------

function distribution() {
  const dist = process.env.TURNSTILE_DIST;
  if (!dist || !fs.existsSync(dist)) {
    throw new Failure(EXIT.PREREQUISITE_MISSING, `No Turnstile build to run (TURNSTILE_DIST=${dist || 'unset'})`,
      `run the command through bin/turnstile, which builds and copies the jars first`);
  }
  return dist;
}

function javaCommand() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

const JVM_COMMON = ['-XX:+ExitOnOutOfMemoryError', '-XX:MaxMetaspaceSize=160m', '-XX:ReservedCodeCacheSize=64m',
  '-XX:MaxDirectMemorySize=64m', '-Djdk.nio.maxCachedBufferSize=262144', '--enable-native-access=ALL-UNNAMED'];

/**
 * The services of a profile, in start order: name, role, command, ports, health URL, heap. One definition used by
 * the ecosystem file, the port check, status and the deployment files' documentation.
 */
function servicesOf(profile, dist) {
  const data = profile.dataDir;
  const httpBase = profile.ports.http;
  const kafkaBase = profile.ports.kafka;
  const list = [];
  const jar = (name) => path.join(dist, `${name}.jar`);
  const kafkaProperties = Object.entries((profile.kafka && profile.kafka.properties) || {})
    .map(([k, v]) => `--spring.kafka.properties.${k}=${v}`);

  if (profile.kind === 'all-in-one') {
    const app = process.env.TURNSTILE_APP_DIR || path.join(dist, 'turnstile-app');
    const options = [`@${path.join(app, 'jvm.options')}`];
    if (fs.existsSync(path.join(app, 'turnstile.aot'))) options.push(`-XX:AOTCache=${path.join(app, 'turnstile.aot')}`);
    list.push({
      name: 'turnstile', role: 'all-in-one', heap: '384m',
      ports: [httpBase, kafkaBase, kafkaBase + 1],
      health: `http://127.0.0.1:${httpBase}/actuator/health/readiness`,
      command: [javaCommand(), ...options, '-jar', path.join(app, 'turnstile.jar'), `--http-port=${httpBase}`,
        `--kafka-port=${kafkaBase}`, `--controller-port=${kafkaBase + 1}`, `--data-dir=${data}`],
    });
    return applyOverrides(list, profile);
  }

  let bootstrap;
  if (profile.kind === 'local-cluster') {
    const brokers = profile.brokers ?? 3;
    const voters = [];
    for (let n = 1; n <= brokers; n++) voters.push(`${n}@127.0.0.1:${kafkaBase + 10 + n - 1}`);
    bootstrap = Array.from({ length: brokers }, (_, i) => `127.0.0.1:${kafkaBase + i}`).join(',');
    const clusterId = clusterIdOf(data);
    for (let n = 1; n <= brokers; n++) {
      const healthPort = httpBase + 10 + n - 1;
      list.push({
        name: `broker-${n}`, role: 'broker', heap: '256m',
        // A broker stops in about 3 s (a controlled shutdown: the controller moves its leaders away first). When the
        // whole cluster stops, the last broker cannot: with the other two gone there is no controller quorum to approve
        // its shutdown, and it would wait minutes. PM2 ends it after this long; Kafka recovers its log at the next start.
        stopSeconds: 15,
        ports: [kafkaBase + n - 1, kafkaBase + 10 + n - 1, healthPort],
        health: `http://127.0.0.1:${healthPort}/health`,
        command: [javaCommand(), '-Xmx256m', ...JVM_COMMON,
          '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-Dorg.slf4j.simpleLogger.log.dev.turnstile=info',
          '-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info', '-Dorg.slf4j.simpleLogger.showDateTime=true',
          "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
          '-jar', jar('broker'), `--node-id=${n}`, `--quorum-voters=${voters.join(',')}`, `--cluster-id=${clusterId}`,
          `--port=${kafkaBase + n - 1}`, `--controller-port=${kafkaBase + 10 + n - 1}`,
          `--data-dir=${path.join(data, `broker-${n}`)}`, `--replication-factor=${Math.min(3, brokers)}`,
          `--partitions=${profile.partitions ?? 6}`, `--health-port=${healthPort}`],
      });
    }
  } else {
    bootstrap = profile.kafka.bootstrapServers;
  }
  const processors = profile.processors ?? 2;
  for (let n = 1; n <= processors; n++) {
    const port = httpBase + 2 + n - 1;
    list.push({
      name: `processor-${n}`, role: 'processor', heap: '256m', ports: [port],
      health: `http://127.0.0.1:${port}/actuator/health/readiness`,
      command: [javaCommand(), '-Xmx256m', ...JVM_COMMON, '-jar', jar('processor'), `--server.port=${port}`,
        `--spring.kafka.bootstrap-servers=${bootstrap}`, ...kafkaProperties,
        `--turnstile.processor.state-dir=${path.join(data, `processor-${n}`)}`,
        // Static membership: a restarted instance takes its partitions back at once. A dead one's partitions move to
        // the other after the session timeout, to its standby copy of their state.
        `--turnstile.processor.instance-id=${profile.name}-processor-${n}`,
        '--turnstile.processor.streams[num.standby.replicas]=1',
        '--turnstile.processor.streams[consumer.session.timeout.ms]=6000',
        '--turnstile.processor.streams[consumer.heartbeat.interval.ms]=1500'],
    });
  }
  list.push({
    name: 'gateway', role: 'gateway', heap: '256m', ports: [httpBase],
    health: `http://127.0.0.1:${httpBase}/actuator/health/readiness`,
    command: [javaCommand(), '-Xmx256m', ...JVM_COMMON, '-jar', jar('gateway'), `--server.port=${httpBase}`,
      `--spring.kafka.bootstrap-servers=${bootstrap}`, ...kafkaProperties, `--turnstile.gateway.data-dir=${data}`],
  });
  list.push({
    name: 'dashboard', role: 'dashboard', heap: '320m', ports: [httpBase + 1],
    health: `http://127.0.0.1:${httpBase + 1}/actuator/health/readiness`,
    command: [javaCommand(), '-Xmx320m', ...JVM_COMMON, '-jar', jar('dashboard'), `--server.port=${httpBase + 1}`,
      `--spring.kafka.bootstrap-servers=${bootstrap}`, ...kafkaProperties,
      `--turnstile.projections.state-dir=${path.join(data, 'projections')}`,
      `--turnstile.projections.jobs.state-dir=${path.join(data, 'projections-jobs')}`,
      `--turnstile.dashboard.generated-login-dir=${data}`],
  });
  return applyOverrides(list, profile);
}

/**
 * A profile's "services": {"<name or role>": {"args": [...], "javaOptions": [...], "env": {...}, "restartPolicy": {...},
 * "enabled": false}}.
 */
function applyOverrides(all, profile) {
  const ownOf = (service) => profile.services[service.name] || profile.services[service.role] || {};
  const list = all.filter((service) => ownOf(service).enabled !== false);
  for (const service of list) {
    const own = ownOf(service);
    const jarAt = service.command.indexOf('-jar');
    if (own.javaOptions) service.command.splice(jarAt, 0, ...own.javaOptions);
    if (own.args) service.command.push(...own.args);
    service.env = own.env || {};
    service.restartPolicy = { ...profile.restartPolicy, ...(own.restartPolicy || {}) };
  }
  return list;
}

function clusterIdOf(data) {
  const file = path.join(data, 'cluster-id');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  // A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (as kafka-storage.sh random-uuid makes).
  const id = require('crypto').randomBytes(16).toString('base64url');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(file, `${id}\n`);
  return id;
}

// --- PM2 ---------------------------------------------------------------------------------------------------------

function pm2Home(profile) {
  return process.env.PM2_HOME || path.join(profile.dataDir, 'pm2');
}

function pm2(profile, args, { quiet = true, allowFailure = false } = {}) {
  const bin = path.join(HERE, 'node_modules', 'pm2', 'bin', 'pm2');
  if (!fs.existsSync(bin)) {
    throw new Failure(EXIT.PREREQUISITE_MISSING, `PM2 is not installed in ${path.join(HERE, 'node_modules')}`,
      `run bin/turnstile (it installs the pinned PM2 with npm ci), or: npm ci --prefix infra/cluster`);
  }
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, PM2_HOME: pm2Home(profile) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0 && !allowFailure) {
    throw new Failure(EXIT.FAILURE, `pm2 ${args.join(' ')} failed (exit ${result.status}): ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ')}`,
      `run bin/turnstile status --profile ${profile.name} to see the services`);
  }
  if (!quiet) process.stdout.write(result.stdout);
  return result;
}

function pm2List(profile) {
  if (!fs.existsSync(path.join(pm2Home(profile), 'pm2.pid'))) return [];
  const result = pm2(profile, ['jlist'], { allowFailure: true });
  const text = (result.stdout || '').trim();
  const start = text.indexOf('[');
  if (start < 0) return [];
  try {
    return JSON.parse(text.slice(start));
  } catch (e) {
    return [];
  }
}

function logDir(profile, service) {
  return path.join(profile.dataDir, 'logs', service);
}

function runDir(profile) {
  return path.join(profile.dataDir, 'run');
}

/** The PM2 ecosystem file of a profile: every service, pm2-logrotate, and the daily log archiver. */
function writeEcosystem(profile, services) {
  const apps = services.map((service) => {
    const policy = service.restartPolicy;
    const env = {
      TURNSTILE_RUN_DIR: runDir(profile),
      TURNSTILE_RESTART_MAX: String(policy.maxRestarts),
      TURNSTILE_RESTART_WINDOW: String(policy.windowSeconds),
      TURNSTILE_BACKOFF_INITIAL: String(policy.initialBackoffSeconds),
      TURNSTILE_BACKOFF_MAX: String(policy.maxBackoffSeconds),
      MALLOC_ARENA_MAX: '2',
      ...service.env,
    };
    fs.mkdirSync(logDir(profile, service.name), { recursive: true });
    return {
      name: service.name,
      script: path.join(HERE, 'run-service.sh'),
      interpreter: 'bash',
      args: [service.name, ...service.command],
      cwd: profile.dataDir,
      autorestart: true,
      // The backoff and the threshold are run-service.sh's; PM2 restarts at once and never counts on its own.
      restart_delay: 0,
      min_uptime: 0,
      max_restarts: 1000000,
      stop_exit_codes: [EXIT_RESTART_THRESHOLD_SCRIPT],
      kill_signal: 'SIGTERM',
      kill_timeout: (service.stopSeconds || 45) * 1000,
      treekill: true,
      out_file: path.join(logDir(profile, service.name), 'out.log'),
      error_file: path.join(logDir(profile, service.name), 'err.log'),
      log_date_format: 'YYYY-MM-DDTHH:mm:ss.SSSZ',
      env,
      [`env_${profile.name}`]: { TURNSTILE_PROFILE: profile.name },
    };
  });
  fs.mkdirSync(logDir(profile, 'supervisor'), { recursive: true });
  apps.push({
    // The pinned pm2-logrotate, run as an app of this ecosystem (configured here, not with `pm2 set`, so that it needs
    // no download into each PM2 home): daily at midnight, gzip, nothing deleted (the archiver moves old files).
    name: 'logrotate',
    script: path.join(HERE, 'node_modules', 'pm2-logrotate', 'app.js'),
    node_args: ['--require', path.join(HERE, 'logrotate-booleans.js')],
    autorestart: true,
    out_file: path.join(logDir(profile, 'supervisor'), 'logrotate.log'),
    error_file: path.join(logDir(profile, 'supervisor'), 'logrotate.log'),
    env: {
      PM2_HOME: pm2Home(profile),
      'pm2-logrotate': JSON.stringify({
        rotateInterval: process.env.TURNSTILE_LOG_ROTATE_CRON || '0 0 * * *',
        compress: true,
        max_size: process.env.TURNSTILE_LOG_MAX_SIZE || '1G',
        workerInterval: process.env.TURNSTILE_LOG_WORKER_INTERVAL || '60',
        dateFormat: 'YYYY-MM-DD_HH-mm-ss',
        rotateModule: false,
      }),
    },
  });
  apps.push({
    // PM2's cron restart runs the archiver once a day: rotated files older than 14 days move to logs/archive/.
    name: 'log-archive',
    script: path.join(HERE, 'supervisor.js'),
    args: ['archive-logs', `--data-dir=${profile.dataDir}`, `--profile=${profile.name}`],
    autorestart: false,
    cron_restart: '30 0 * * *',
    out_file: path.join(logDir(profile, 'supervisor'), 'log-archive.log'),
    error_file: path.join(logDir(profile, 'supervisor'), 'log-archive.log'),
    env: { TURNSTILE_PROFILES: process.env.TURNSTILE_PROFILES || '' },
  });
  const file = path.join(profile.dataDir, 'ecosystem.config.js');
  fs.writeFileSync(file, `// Written by bin/turnstile up --profile ${profile.name}; PM2 runs it. Do not edit: change the profile.\n`
    + `module.exports = ${JSON.stringify({ apps }, null, 2)};\n`);
  return file;
}

// --- ports -------------------------------------------------------------------------------------------------------

/** The pid and command holding a listening TCP port, from /proc (no tool needed), or null when it is free. */
function portHolder(port) {
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch (e) {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue; // 0A: LISTEN
      const localPort = parseInt(fields[1].split(':')[1], 16);
      if (localPort === port) inodes.add(fields[9]);
    }
  }
  if (!inodes.size) return null;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let fds;
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch (e) {
      continue;
    }
    for (const fd of fds) {
      let target;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch (e) {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match && inodes.has(match[1])) {
        let command = '';
        try {
          command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        } catch (e) { /* gone meanwhile */ }
        return { pid: Number(pid), command: command.length > 160 ? `${command.slice(0, 160)}…` : command };
      }
    }
  }
  return { pid: null, command: 'a process this user cannot see' };
}

// --- health ------------------------------------------------------------------------------------------------------

function probe(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => {
        let detail = '';
        try {
          const json = JSON.parse(body);
          detail = json.error || (json.components && Object.entries(json.components)
            .filter(([, c]) => c.status !== 'UP').map(([n, c]) => `${n} ${c.status}${c.details && c.details.error ? `: ${c.details.error}` : ''}`).join('; ')) || '';
        } catch (e) { /* not JSON */ }
        resolve({ up: response.statusCode === 200, status: response.statusCode, detail });
      });
    });
    request.on('timeout', () => { request.destroy(); resolve({ up: false, status: 0, detail: `no answer within ${timeoutMs} ms` }); });
    request.on('error', (e) => resolve({ up: false, status: 0, detail: e.code || e.message }));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until every service answers its health check, up to the seed's 90 s; returns those still not ready. */
async function awaitHealthy(profile, services, seconds, label) {
  const deadline = Date.now() + seconds * 1000;
  let pending = services;
  let lastNote = 0;
  while (pending.length) {
    const results = await Promise.all(pending.map(async (s) => ({ service: s, result: await probe(s.health) })));
    const failed = readFailures(profile);
    for (const { service } of results) {
      if (failed[service.name]) {
        throw new Failure(EXIT.RESTART_THRESHOLD_EXCEEDED,
          `RESTART_THRESHOLD_EXCEEDED: ${service.name} crashed ${failed[service.name].restarts} times within ${failed[service.name].windowSeconds} s and is marked failed`,
          `read why: bin/turnstile logs ${service.name} --tail 100 --profile ${profile.name}; fix it, then bin/turnstile restart ${service.name} --profile ${profile.name}`,
          service.name);
      }
    }
    pending = results.filter((r) => !r.result.up).map((r) => ({ ...r.service, why: r.result.detail || `HTTP ${r.result.status}` }));
    if (!pending.length) break;
    if (Date.now() > deadline) return pending;
    if (Date.now() - lastNote > 10000) {
      console.error(`turnstile: waiting for ${label}: ${pending.map((s) => `${s.name} (${s.why})`).join(', ')}`);
      lastNote = Date.now();
    }
    await sleep(1000);
  }
  return [];
}

function readFailures(profile) {
  const failures = {};
  const dir = runDir(profile);
  if (!fs.existsSync(dir)) return failures;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.failed'))) {
    try {
      failures[file.slice(0, -'.failed'.length)] = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (e) { /* being written */ }
  }
  return failures;
}

function clearPolicyHistory(profile, name) {
  for (const suffix of ['.starts', '.failed', '.backoff']) {
    fs.rmSync(path.join(runDir(profile), name + suffix), { force: true });
  }
}

// --- commands ----------------------------------------------------------------------------------------------------

async function up(options) {
  const profile = resolveProfile(options, { starting: true });
  const dist = distribution();
  const services = servicesOf(profile, dist);
  fs.mkdirSync(profile.dataDir, { recursive: true });

  const online = pm2List(profile).filter((p) => services.some((s) => s.name === p.name)
    && ['online', 'launching', 'waiting restart'].includes(p.pm2_env.status));
  if (online.length) {
    throw new Failure(EXIT.CONFLICTING_PROCESS,
      `Profile "${profile.name}" is already running on ${profile.dataDir}: ${online.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`,
      `run bin/turnstile status --profile ${profile.name} to inspect it, or bin/turnstile stop --profile ${profile.name} before starting again`);
  }
  const lock = path.join(profile.dataDir, 'turnstile.lock');
  if (profile.kind === 'all-in-one' && fs.existsSync(lock)) {
    const pid = Number(fs.readFileSync(lock, 'utf8').trim());
    if (pid && fs.existsSync(`/proc/${pid}`)) {
      throw new Failure(EXIT.CONFLICTING_PROCESS, `Data directory ${profile.dataDir} is in use by Turnstile pid ${pid} (started outside the supervisor)`,
        `stop that one (kill ${pid}, or Ctrl-C where it runs), or pass another --data-dir`);
    }
  }
  for (const service of services) {
    for (const port of service.ports) {
      const holder = portHolder(port);
      if (holder) {
        throw new Failure(EXIT.PORT_IN_USE,
          `Port ${port}, needed by ${service.name}, is taken by pid ${holder.pid}: ${holder.command}`,
          `stop that process (kill ${holder.pid}), or start on other ports with --http-port and --kafka-port (or the profile's "ports")`,
          service.name);
      }
    }
  }

  services.forEach((s) => clearPolicyHistory(profile, s.name));
  fs.writeFileSync(path.join(profile.dataDir, 'profile.json'),
    `${JSON.stringify({ name: profile.name, kind: profile.kind, ports: profile.ports, startedAt: new Date().toISOString() }, null, 2)}\n`);
  const ecosystem = writeEcosystem(profile, services);
  const brokers = services.filter((s) => s.role === 'broker');
  const rest = services.filter((s) => s.role !== 'broker');
  const waitSeconds = Number(options.wait || DEPENDENCY_WAIT_SECONDS);
  console.error(`turnstile: starting profile ${profile.name} (PM2 home ${pm2Home(profile)}, logs in ${path.join(profile.dataDir, 'logs')})`);
  pm2(profile, ['start', ecosystem, '--only', 'logrotate,log-archive', '--env', profile.name]);
  let degraded = [];
  if (brokers.length) {
    pm2(profile, ['startOrReload', ecosystem, '--only', brokers.map((s) => s.name).join(','), '--env', profile.name]);
    degraded = await awaitHealthy(profile, brokers, waitSeconds, 'the brokers');
  }
  pm2(profile, ['startOrReload', ecosystem, '--only', rest.map((s) => s.name).join(','), '--env', profile.name]);
  if (!options['no-wait']) degraded = degraded.concat(await awaitHealthy(profile, rest, waitSeconds, 'the services'));
  printBanner(profile, services, degraded, !options['no-wait']);
  if (degraded.length) {
    throw new Failure(EXIT.DEGRADED,
      `Profile "${profile.name}" is up but degraded: ${degraded.map((s) => `${s.name} not ready after ${waitSeconds} s (${s.why})`).join('; ')}`,
      `bin/turnstile logs ${degraded[0].name} --tail 100 --profile ${profile.name} says why; the supervisor keeps them running`,
      degraded[0].name);
  }
}

function printBanner(profile, services, degraded, waited) {
  const gateway = services.find((s) => s.role === 'gateway' || s.role === 'all-in-one');
  const dashboard = services.find((s) => s.role === 'dashboard' || s.role === 'all-in-one');
  const login = path.join(profile.dataDir, 'dashboard-login.properties');
  let loginText = '(sign in as a configured user)';
  if (fs.existsSync(login)) {
    const props = Object.fromEntries(fs.readFileSync(login, 'utf8').split('\n').filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    loginText = `(sign in as ${props.user} / ${props.password}, kept in ${login})`;
  }
  const brokers = services.filter((s) => s.role === 'broker');
  const state = degraded.length ? 'up, DEGRADED'
    : waited ? 'running and ready for claims' : 'started (readiness not waited for: see bin/turnstile status)';
  const kafka = brokers.length
    ? `${brokers.map((b) => `127.0.0.1:${b.ports[0]}`).join(',')} (${brokers.length} brokers, replication ${Math.min(3, brokers.length)}, min.insync.replicas 2)`
    : profile.kind === 'external' ? profile.kafka.bootstrapServers : `127.0.0.1:${profile.ports.kafka}, a local broker`;
  const lines = [`Turnstile (profile ${profile.name}) is ${state}. bin/turnstile stop --data-dir ${profile.dataDir} stops it.`];
  if (gateway) {
    const base = `http://localhost:${gateway.ports[0]}`;
    lines.push(`  Claim API   POST ${base}/api/claim`, `  Health      GET  ${base}/api/health, ${base}/actuator/health/readiness`);
  }
  if (dashboard) lines.push(`  Dashboard   http://localhost:${dashboard.ports[0]}/  ${loginText}`);
  lines.push(`  Kafka       ${kafka}`,
    `  Processes   ${services.map((s) => s.name).join(', ')} (bin/turnstile status --profile ${profile.name})`,
    `  Logs        ${path.join(profile.dataDir, 'logs')}/<service>/ (bin/turnstile logs <service> --profile ${profile.name})`,
    `  Data        ${profile.dataDir}`);
  console.log(`\n${lines.join('\n')}\n`);
}

async function stop(options) {
  const profile = resolveProfile(options);
  const name = options.positional[1];
  const running = pm2List(profile);
  if (!running.length) {
    console.error(`turnstile: profile ${profile.name} is not running on ${profile.dataDir}; nothing to stop`);
    return;
  }
  if (name) {
    requireKnown(profile, running, name);
    pm2(profile, ['stop', name]);
    console.error(`turnstile: ${name} stopped (bin/turnstile restart ${name} --profile ${profile.name} starts it again)`);
    return;
  }
  // The services before the brokers they use; then PM2 itself.
  const order = ['gateway', 'dashboard', 'turnstile'];
  const names = running.map((p) => p.name);
  const first = names.filter((n) => order.includes(n) || n.startsWith('processor-'));
  if (first.length) pm2(profile, ['stop', ...first], { allowFailure: true });
  pm2(profile, ['stop', 'all'], { allowFailure: true });
  pm2(profile, ['kill'], { allowFailure: true });
  console.error(`turnstile: profile ${profile.name} stopped (data kept in ${profile.dataDir})`);
}

function requireKnown(profile, running, name) {
  if (!running.some((p) => p.name === name)) {
    throw new Failure(EXIT.UNKNOWN_SERVICE,
      `No service "${name}" in profile ${profile.name} (its services: ${running.map((p) => p.name).join(', ') || 'none running'})`,
      `run bin/turnstile status --profile ${profile.name} for the names`, name);
  }
}

async function restart(options) {
  const profile = resolveProfile(options);
  const name = options.positional[1];
  if (!name) throw new Failure(EXIT.USAGE, 'restart needs a service name', 'bin/turnstile restart <service> [--profile P]');
  const running = pm2List(profile);
  if (!running.length) {
    throw new Failure(EXIT.NOT_RUNNING, `Profile ${profile.name} is not running on ${profile.dataDir}`,
      `start it: bin/turnstile up --profile ${profile.name}`, name);
  }
  requireKnown(profile, running, name);
  clearPolicyHistory(profile, name);
  pm2(profile, ['restart', name]);
  const service = servicesOf(profile, process.env.TURNSTILE_DIST || '').find((s) => s.name === name);
  if (service && !options['no-wait']) {
    const degraded = await awaitHealthy(profile, [service], Number(options.wait || DEPENDENCY_WAIT_SECONDS), name);
    if (degraded.length) {
      throw new Failure(EXIT.DEGRADED, `${name} restarted but is not ready after ${options.wait || DEPENDENCY_WAIT_SECONDS} s (${degraded[0].why})`,
        `bin/turnstile logs ${name} --tail 100 --profile ${profile.name}`, name);
    }
  }
  console.error(`turnstile: ${name} restarted and ready`);
}

async function collectStatus(profile) {
  const services = servicesOf(profile, process.env.TURNSTILE_DIST || '');
  const running = pm2List(profile);
  const failures = readFailures(profile);
  const rows = await Promise.all(services.map(async (service) => {
    const proc = running.find((p) => p.name === service.name);
    const env = proc ? proc.pm2_env : {};
    let state = proc ? env.status : 'not started';
    let health = '-';
    let detail = null;
    const backoff = path.join(runDir(profile), `${service.name}.backoff`);
    if (failures[service.name] && state !== 'online') {
      state = 'failed';
      detail = `RESTART_THRESHOLD_EXCEEDED: ${failures[service.name].restarts} restarts within ${failures[service.name].windowSeconds} s`;
    } else if (state === 'online' && fs.existsSync(backoff)) {
      const until = Number(fs.readFileSync(backoff, 'utf8').trim());
      state = 'backoff';
      detail = `restarting in ${Math.max(0, until - Math.floor(Date.now() / 1000))} s`;
    } else if (state === 'online' && stillLauncher(proc.pid)) {
      // PM2 started run-service.sh, which has not yet replaced itself with the service.
      state = 'launching';
    }
    if (state === 'online') {
      const result = await probe(service.health);
      health = result.up ? 'ready' : 'degraded';
      if (!result.up) detail = result.detail || `HTTP ${result.status}`;
    }
    return {
      service: service.name,
      role: service.role,
      pid: proc && proc.pid ? proc.pid : null,
      state,
      health,
      uptimeSeconds: state === 'online' && env.pm_uptime ? Math.floor((Date.now() - env.pm_uptime) / 1000) : null,
      restarts: proc ? env.restart_time : 0,
      memoryBytes: proc && proc.monit ? proc.monit.memory : null,
      ports: service.ports,
      healthUrl: service.health,
      logs: logDir(profile, service.name),
      detail,
    };
  }));
  return { profile: profile.name, dataDir: profile.dataDir, pm2Home: pm2Home(profile), at: new Date().toISOString(), services: rows };
}

/** Whether PM2's process is still run-service.sh, before its exec into the service. */
function stillLauncher(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('run-service.sh');
  } catch (e) {
    return false; // gone meanwhile
  }
}

function statusExitCode(report) {
  if (report.services.some((s) => s.state === 'failed')) return EXIT.RESTART_THRESHOLD_EXCEEDED;
  if (report.services.every((s) => s.state === 'not started' || s.state === 'stopped')) return EXIT.NOT_RUNNING;
  if (report.services.some((s) => s.health !== 'ready')) return EXIT.DEGRADED;
  return EXIT.OK;
}

async function status(options) {
  const profile = resolveProfile(options);
  const report = await collectStatus(profile);
  const code = statusExitCode(report);
  report.exitCode = code;
  report.exitName = EXIT_NAMES[code];
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
    return code;
  }
  const fmtUptime = (s) => (s === null ? '-' : s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`);
  const fmtMem = (b) => (b === null || b === undefined ? '-' : `${Math.round(b / 1024 / 1024)} MB`);
  const table = [['SERVICE', 'PID', 'STATE', 'HEALTH', 'UPTIME', 'RESTARTS', 'MEMORY', 'PORTS']].concat(
    report.services.map((s) => [s.service, s.pid ? String(s.pid) : '-', s.state, s.health, fmtUptime(s.uptimeSeconds),
      String(s.restarts), fmtMem(s.memoryBytes), s.ports.join(',')]));
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  console.log(`Profile ${report.profile} (${report.dataDir})`);
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  for (const s of report.services.filter((x) => x.detail)) console.log(`  ${s.service}: ${s.detail}`);
  if (code !== EXIT.OK) console.log(`exit ${code} (${EXIT_NAMES[code]})`);
  return code;
}

// --- logs --------------------------------------------------------------------------------------------------------

function parseDuration(text) {
  const match = /^(\d+)(s|m|h|d)$/.exec(String(text));
  if (!match) throw new Failure(EXIT.USAGE, `--since ${text} is not a duration`, 'write it like 90s, 30m, 48h or 14d');
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2]] * 1000;
}

/** The time a log line was written: PM2's prefix (log_date_format), else a timestamp at the line's start. */
function lineTime(line) {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/.exec(line);
  return match ? Date.parse(match[1]) : NaN;
}

/** A service's log files, oldest first: archived, rotated (gzip) and current, stdout and stderr. */
function logFiles(profile, service) {
  const dirs = [path.join(profile.dataDir, 'logs', 'archive', service), logDir(profile, service)];
  const files = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (/^(out|err)(__.*)?\.log(\.gz)?$/.test(name)) files.push(path.join(dir, name));
    }
  }
  const rank = (f) => (/__/.test(f) ? path.basename(f).split('__')[1] : '9999');
  return files.sort((a, b) => rank(a).localeCompare(rank(b)));
}

function readLog(file) {
  const bytes = fs.readFileSync(file);
  return (file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8').split('\n').filter(Boolean);
}

async function logs(options) {
  const profile = resolveProfile(options);
  const service = options.positional[1];
  if (!service) throw new Failure(EXIT.USAGE, 'logs needs a service name', 'bin/turnstile logs <service> [--tail N] [--since 48h] [-f]');
  const files = logFiles(profile, service);
  if (!files.length) {
    const known = fs.existsSync(path.join(profile.dataDir, 'logs')) ? fs.readdirSync(path.join(profile.dataDir, 'logs')).filter((d) => d !== 'archive') : [];
    throw new Failure(EXIT.UNKNOWN_SERVICE, `No logs for "${service}" in ${path.join(profile.dataDir, 'logs')} (services with logs: ${known.join(', ') || 'none'})`,
      `check the name with bin/turnstile status --profile ${profile.name}`, service);
  }
  const since = options.since ? Date.now() - parseDuration(options.since) : null;
  let lines = [];
  for (const file of files) {
    const stream = path.basename(file).startsWith('err') ? 'err' : 'out';
    for (const line of readLog(file)) lines.push({ t: lineTime(line), stream, line });
  }
  // Both streams in time order (lines without a time keep their place after the last timed one).
  let last = 0;
  lines.forEach((l, i) => { l.key = Number.isNaN(l.t) ? last : (last = l.t); l.i = i; });
  lines.sort((a, b) => a.key - b.key || a.i - b.i);
  if (since !== null) lines = lines.filter((l) => l.key >= since);
  const tail = options.tail ? Number(options.tail) : (options.follow ? 20 : null);
  if (tail !== null) lines = lines.slice(-tail);
  for (const l of lines) console.log(l.stream === 'err' ? `[err] ${l.line}` : l.line);
  if (options.follow) await follow(logDir(profile, service));
}

function follow(dir) {
  const positions = {};
  for (const name of ['out.log', 'err.log']) {
    const file = path.join(dir, name);
    positions[file] = fs.existsSync(file) ? fs.statSync(file).size : 0;
  }
  return new Promise(() => {
    setInterval(() => {
      for (const file of Object.keys(positions)) {
        if (!fs.existsSync(file)) continue;
        const size = fs.statSync(file).size;
        if (size < positions[file]) positions[file] = 0; // rotated (copied and truncated)
        if (size > positions[file]) {
          const fd = fs.openSync(file, 'r');
          const buffer = Buffer.alloc(size - positions[file]);
          fs.readSync(fd, buffer, 0, buffer.length, positions[file]);
          fs.closeSync(fd);
          positions[file] = size;
          const prefix = path.basename(file).startsWith('err') ? '[err] ' : '';
          buffer.toString('utf8').split('\n').filter(Boolean).forEach((line) => console.log(prefix + line));
        }
      }
    }, 500);
  });
}

/** Rotated files older than 14 days leave logs/<service>/ for logs/archive/<service>/ (offline storage picks them up there). */
function archiveLogs(options) {
  const profile = resolveProfile(options);
  const root = path.join(profile.dataDir, 'logs');
  if (!fs.existsSync(root)) return;
  const cutoff = Date.now() - LOG_DAYS_ONLINE * 86400 * 1000;
  let moved = 0;
  for (const service of fs.readdirSync(root).filter((d) => d !== 'archive')) {
    const dir = path.join(root, service);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const name of fs.readdirSync(dir).filter((n) => n.includes('__') && n.endsWith('.gz'))) {
      const file = path.join(dir, name);
      if (fs.statSync(file).mtimeMs < cutoff) {
        const target = path.join(root, 'archive', service);
        fs.mkdirSync(target, { recursive: true });
        fs.renameSync(file, path.join(target, name));
        moved++;
      }
    }
  }
  console.log(`${new Date().toISOString()} archived ${moved} rotated log files older than ${LOG_DAYS_ONLINE} days into ${path.join(root, 'archive')}`);
}

function profilesCommand(options) {
  const { profiles, file } = loadProfiles(options);
  for (const [name, p] of Object.entries(profiles)) console.log(`${name.padEnd(14)} ${p.kind.padEnd(13)} ${p.description || ''}`);
  console.log(`\nYour own profiles: ${file} (format: infra/cluster/turnstile-profiles.example.json)`);
}

function help() {
  console.log(`Usage: bin/turnstile [options]                       start everything in one process, in the foreground (development)
       bin/turnstile up|start [--profile P] [--data-dir D] [--http-port N] [--kafka-port N] [--no-wait] [--wait S]
       bin/turnstile stop [<service>] [--profile P]
       bin/turnstile restart <service> [--profile P]
       bin/turnstile status [--json] [--profile P]
       bin/turnstile logs <service> [--tail N] [--since 48h] [-f] [--profile P]
       bin/turnstile profiles

Profiles: development (default; the all-in-one under PM2), cluster (3 brokers, 2 processors, gateway, dashboard),
and your own in turnstile-profiles.json (e.g. an external Kafka cluster). PM2 supervises every service (its home is
<data-dir>/pm2); logs are in <data-dir>/logs/<service>/, rotated daily with gzip, archived after ${LOG_DAYS_ONLINE} days.
Restart policy: at most 5 restarts in 10 minutes, backoff 5 s doubling to 2 min, then failed (RESTART_THRESHOLD_EXCEEDED).

Exit codes: ${Object.entries(EXIT).map(([n, c]) => `${c} EXIT_${n}`).join(', ')}.`);
}

async function main(argv) {
  const options = parseArgs(argv);
  const command = options.positional[0];
  switch (command) {
    case 'up':
    case 'start':
      await up(options);
      return EXIT.OK;
    case 'stop':
      await stop(options);
      return EXIT.OK;
    case 'restart':
      await restart(options);
      return EXIT.OK;
    case 'status':
      return status(options);
    case 'logs':
      await logs(options);
      return EXIT.OK;
    case 'archive-logs':
      archiveLogs(options);
      return EXIT.OK;
    case 'profiles':
      profilesCommand(options);
      return EXIT.OK;
    case 'kind':
      console.log(resolveProfile(options, { starting: true }).kind);
      return EXIT.OK;
    case 'help':
    case undefined:
      help();
      return EXIT.OK;
    default:
      throw new Failure(EXIT.USAGE, `Unknown command "${command}"`, 'run bin/turnstile help for the commands');
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    if (error instanceof Failure) {
      const command = ['bin/turnstile', ...process.argv.slice(2)].join(' ');
      console.error(`turnstile: ${error.message}`);
      console.error(`turnstile: command: ${command}; exit ${error.code} (${EXIT_NAMES[error.code]})${error.service ? `; service: ${error.service}` : ''}`);
      console.error(`turnstile: remediation: ${error.remediation}`);
      process.exit(error.code);
    }
    console.error(`turnstile: unexpected error (exit 1): ${error.stack || error}`);
    console.error('turnstile: remediation: run bin/turnstile status, and report this with the command and its output');
    process.exit(EXIT.FAILURE);
  });
}

module.exports = { parseArgs, resolveProfile, servicesOf, lineTime, logFiles, statusExitCode, EXIT, portHolder, parseDuration };
