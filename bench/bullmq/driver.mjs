// The queue workload on BullMQ (seed 004: a BullMQ queue on Redis, jobs added through Queue.add, run by Workers),
// driven by bin/bench for one level. Producers add no-op jobs for the warm-up and the window; then workers drain
// them, each fetching a job (Worker.getNextJob, without blocking) and completing it (job.moveToCompleted, without
// fetching the next in the same call), so that every claim is timed as Turnstile's claim-next is.
//
//   node driver.mjs --port 6379 --queue q --workers 8 --warmup-ms 2000 --duration-ms 3000 --drain-limit-ms 60000
//
// Prints {"phase":"drain"} when the drain starts, then one JSON line with the level's figures.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    queue: { type: 'string' },
    workers: { type: 'string' },
    'warmup-ms': { type: 'string' },
    'duration-ms': { type: 'string' },
    'drain-limit-ms': { type: 'string' },
  },
});
const connection = { host: '127.0.0.1', port: Number(values.port) };
const workers = Number(values.workers);
const warmupMs = Number(values['warmup-ms']);
const durationMs = Number(values['duration-ms']);
const drainLimitMs = Number(values['drain-limit-ms']);
const name = values.queue;

let errors = 0;
let firstError;
const failed = (what, error) => {
  errors++;
  firstError ??= `${what}: ${error instanceof Error ? error.message : String(error)}`;
};

/** The value at `p` (0–100) of `values`, in milliseconds. */
function percentile(values, p) {
  if (values.length === 0) {
    return 0;
  }
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// Enqueue: one Queue (one connection, as an API server keeps one), `workers` producers adding as fast as answers come.
const queue = new Queue(name, { connection });
await queue.waitUntilReady();
const begin = performance.now();
const windowStart = begin + warmupMs;
const end = windowStart + durationMs;
const enqueueLatencies = [];
let added = 0;
let next = 0;
await Promise.all(Array.from({ length: workers }, async () => {
  while (performance.now() < end) {
    const started = performance.now();
    try {
      await queue.add('noop', { n: 1 }, { jobId: `job-${next++}` });
      added++;
      if (started >= windowStart) {
        enqueueLatencies.push(performance.now() - started);
      }
    } catch (error) {
      failed('enqueue', error);
    }
  }
}));
const windowSeconds = (performance.now() - windowStart) / 1000;

// Drain: `workers` Workers (each with its connections, as separate worker processes would have), no processor.
console.log(JSON.stringify({ phase: 'drain' }));
const drainers = await Promise.all(Array.from({ length: workers }, async () => {
  const worker = new Worker(name, null, { connection, lockDuration: 30_000 });
  await worker.waitUntilReady();
  return worker;
}));
const claimLatencies = [];
const completeLatencies = [];
const seen = new Set();
let doubleClaims = 0;
let completed = 0;
let lastCompletion = 0;
const drainStart = performance.now();
const drainEnd = drainStart + drainLimitMs;
await Promise.all(drainers.map(async (worker) => {
  const token = randomUUID();
  while (performance.now() < drainEnd) {
    const started = performance.now();
    let job;
    try {
      job = await worker.getNextJob(token, { block: false });
    } catch (error) {
      failed('claim-next', error);
      continue;
    }
    if (job === undefined || job === null) {
      return;
    }
    const claimedAt = performance.now();
    claimLatencies.push(claimedAt - started);
    if (seen.has(job.id)) {
      doubleClaims++;
    }
    seen.add(job.id);
    try {
      await job.moveToCompleted('ok', token, false);
      const done = performance.now();
      completeLatencies.push(done - claimedAt);
      completed++;
      lastCompletion = Math.max(lastCompletion, done);
    } catch (error) {
      failed('complete', error);
    }
  }
}));
const drainSeconds = Math.max(0.001, ((lastCompletion || performance.now()) - drainStart) / 1000);
await Promise.all([queue.close(), ...drainers.map((worker) => worker.close())]);

console.log(JSON.stringify({
  enqueued: enqueueLatencies.length,
  enqueuePerSecond: enqueueLatencies.length / windowSeconds,
  enqueueP50Ms: percentile(enqueueLatencies, 50),
  enqueueP99Ms: percentile(enqueueLatencies, 99),
  backlog: added,
  completed,
  drainSeconds,
  jobsPerSecond: completed / drainSeconds,
  claimP50Ms: percentile(claimLatencies, 50),
  claimP95Ms: percentile(claimLatencies, 95),
  claimP99Ms: percentile(claimLatencies, 99),
  completeP50Ms: percentile(completeLatencies, 50),
  drained: completed >= added,
  errors,
  doubleClaims,
  firstError: firstError ?? null,
}));
