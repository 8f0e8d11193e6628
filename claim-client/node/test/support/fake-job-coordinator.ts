import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the coordinator saw it. */
export interface Received {
  path: string;
  body: Record<string, any>;
}

/** One job as the fake holds it. */
export interface FakeJob {
  queue: string;
  jobId: string;
  name: string;
  payload: unknown;
  maxAttempts: number;
  leaseSeconds: number;
  state: string;
  attempt: number;
  token: number;
  workerId?: string;
  progress?: number;
  message?: string;
  result?: unknown;
  error?: string;
  retryable?: boolean;
  logs: string[];
}

interface Reply {
  status: number;
  body: string;
}

/**
 * A work-queue coordinator on 127.0.0.1 that keeps its queues in memory and answers the enqueue and worker endpoints as
 * the gateway does (201/200, 204, 409 with a reason, a request id answered once), with faults a test injects: 503s,
 * answers lost after the request was decided, refused reports, cancels. Nothing happens by time: a test says when.
 */
export class FakeJobCoordinator {
  readonly received: Received[] = [];
  private readonly jobs = new Map<string, FakeJob>();
  private readonly waiting = new Map<string, FakeJob[]>();
  private readonly answered = new Map<string, Reply>();
  private readonly refuseNext = new Map<string, string>();
  private readonly parked: (() => void)[] = [];
  private unavailable = 0;
  private lost = 0;
  heartbeatsUnavailable = false;
  defaultLeaseSeconds = 30;

  private constructor(private readonly server: Server) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void this.handle(request, response);
    });
  }

  static async start(): Promise<FakeJobCoordinator> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new FakeJobCoordinator(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  add(queue: string, jobId: string, payload: unknown = null): FakeJob {
    const job: FakeJob = {
      queue, jobId, name: 'test-job', payload, maxAttempts: 3, leaseSeconds: this.defaultLeaseSeconds,
      state: 'waiting', attempt: 0, token: 0, logs: [],
    };
    this.jobs.set(`${queue}:${jobId}`, job);
    this.queueOf(queue).push(job);
    this.wake();
    return job;
  }

  job(id: string): FakeJob | undefined {
    return this.jobs.get(id);
  }

  /** The next `count` requests get 503 and are not decided. */
  unavailableFor(count: number): this {
    this.unavailable = count;
    return this;
  }

  /** The next `count` requests are decided but their answers are lost (503): a retry gets the answer. */
  loseAnswers(count: number): this {
    this.lost = count;
    return this;
  }

  /** The next report on `id` is refused with `reason`. */
  refuseNextReport(id: string, reason: string): this {
    this.refuseNext.set(id, reason);
    return this;
  }

  cancel(id: string): void {
    const job = this.jobs.get(id)!;
    const queued = this.queueOf(job.queue);
    const at = queued.indexOf(job);
    if (at >= 0) {
      queued.splice(at, 1);
    }
    job.state = 'cancelled';
  }

  receivedAt(suffix: string): Received[] {
    return this.received.filter((r) => r.path.endsWith(suffix));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private queueOf(queue: string): FakeJob[] {
    let queued = this.waiting.get(queue);
    if (queued === undefined) {
      queued = [];
      this.waiting.set(queue, queued);
    }
    return queued;
  }

  private wake(): void {
    for (const resume of this.parked.splice(0)) {
      resume();
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text === '' ? {} : (JSON.parse(text) as Record<string, any>);
    const path = request.url ?? '';
    this.received.push({ path, body });
    let reply: Reply;
    if (this.unavailable > 0 || (this.heartbeatsUnavailable && path.endsWith('/heartbeat'))) {
      this.unavailable = Math.max(0, this.unavailable - 1);
      reply = { status: 503, body: '{"error":"unavailable","detail":"test"}' };
    } else {
      reply = await this.decide(path, body);
      if (this.lost > 0) {
        this.lost--;
        reply = { status: 503, body: '{"error":"decision_timeout","detail":"answer lost"}' };
      }
    }
    if (response.destroyed) {
      return;
    }
    response.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.status === 503 && { 'retry-after': '0' }) });
    response.end(reply.status === 204 ? undefined : reply.body);
  }

  private async decide(path: string, body: Record<string, any>): Promise<Reply> {
    const requestId = body.requestId as string | undefined;
    if (requestId !== undefined && this.answered.has(requestId)) {
      return this.answered.get(requestId)!;
    }
    let reply: Reply;
    let match: RegExpMatchArray | null;
    if ((match = path.match(/^\/api\/queues\/([^/]+)\/jobs$/)) !== null) {
      reply = this.enqueue(match[1]!, body);
    } else if ((match = path.match(/^\/api\/queues\/([^/]+)\/claim-next$/)) !== null) {
      reply = await this.claimNext(match[1]!, body);
    } else if ((match = path.match(/^\/api\/jobs\/([^/]+)\/(heartbeat|complete|fail|logs|artifacts)$/)) !== null) {
      reply = this.report(decodeURIComponent(match[1]!), match[2]!, body);
    } else {
      reply = { status: 404, body: '{"error":"not_found"}' };
    }
    if (requestId !== undefined) {
      this.answered.set(requestId, reply);
    }
    return reply;
  }

  private enqueue(queue: string, body: Record<string, any>): Reply {
    const jobId = (body.jobId as string | undefined) ?? (body.requestId as string);
    const existing = this.jobs.get(`${queue}:${jobId}`);
    if (existing !== undefined) {
      return json(200, { created: false, id: `${queue}:${jobId}`, queue, jobId, state: existing.state, matchedBy: 'job_id', message: 'already there' });
    }
    const job = this.add(queue, jobId, body.payload ?? null);
    job.name = body.name;
    job.maxAttempts = body.maxAttempts ?? 3;
    job.leaseSeconds = body.leaseSeconds ?? this.defaultLeaseSeconds;
    return json(201, { created: true, id: `${queue}:${jobId}`, queue, jobId, state: 'waiting', message: 'Enqueued', requestId: body.requestId });
  }

  private async claimNext(queue: string, body: Record<string, any>): Promise<Reply> {
    const deadline = Date.now() + (body.waitSeconds ?? 0) * 1000;
    const queued = this.queueOf(queue);
    while (queued.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        return { status: 204, body: '' };
      }
      await new Promise<void>((resume) => {
        const timer = setTimeout(resume, left);
        this.parked.push(() => {
          clearTimeout(timer);
          resume();
        });
      });
    }
    const job = queued.shift()!;
    job.state = 'active';
    job.attempt++;
    job.token++;
    job.workerId = body.workerId;
    return json(200, {
      id: `${queue}:${job.jobId}`, queue, jobId: job.jobId, name: job.name, payload: job.payload, attempt: job.attempt,
      maxAttempts: job.maxAttempts, fencingToken: job.token, leaseSeconds: job.leaseSeconds,
      leaseExpiresAt: new Date(Date.now() + job.leaseSeconds * 1000).toISOString(), workerId: job.workerId,
      requestId: body.requestId,
    });
  }

  private report(id: string, action: string, body: Record<string, any>): Reply {
    const job = this.jobs.get(id);
    const token = body.fencingToken as number;
    const refuse = (reason: string, status = 409) =>
      json(status, { accepted: false, result: 'refused', reason, message: `Refused: ${reason}`, id, fencingToken: token, currentFencingToken: job?.token });
    if (job === undefined) {
      return refuse('unknown_job', 404);
    }
    const forced = this.refuseNext.get(id);
    if (forced !== undefined) {
      this.refuseNext.delete(id);
      return refuse(forced);
    }
    if (job.state === 'cancelled') {
      return refuse('cancelled');
    }
    if (token !== job.token) {
      return refuse('stale_token');
    }
    if (job.state !== 'active') {
      return refuse(job.state === 'succeeded' ? 'already_completed' : 'already_failed');
    }
    switch (action) {
      case 'heartbeat':
        if (body.progress !== undefined) {
          job.progress = body.progress;
        }
        if (body.message !== undefined) {
          job.message = body.message;
        }
        return json(200, { accepted: true, result: 'heartbeat', message: 'extended', state: 'active' });
      case 'complete':
        job.state = 'succeeded';
        job.result = body.result;
        return json(200, { accepted: true, result: 'succeeded', message: 'done', state: 'succeeded' });
      case 'fail':
        job.error = body.error;
        job.retryable = body.retryable !== false;
        job.state = job.retryable && job.attempt < job.maxAttempts ? 'failed_will_retry' : 'dead';
        return json(200, { accepted: true, result: 'failed', message: 'failed', state: job.state });
      case 'logs':
        job.logs.push(...(body.lines as string[]));
        return json(200, { accepted: true, result: 'logged', message: 'logged', state: 'active' });
      default:
        return json(200, { accepted: true, result: 'attached', message: 'attached', state: 'active' });
    }
  }
}

function json(status: number, body: Record<string, unknown>): Reply {
  return { status, body: JSON.stringify(body) };
}
