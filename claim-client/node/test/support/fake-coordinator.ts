import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** When the fake coordinator granted every claim in these tests. */
export const CLAIMED_AT = '2026-11-23T10:30:00Z';

/** One request as the coordinator saw it. */
export interface Received {
  method: string;
  path: string;
  body: Record<string, any>;
  /** The Authorization header, if one was sent. */
  authorization?: string;
  receivedAtMs: number;
}

type Answer =
  | { status: number; headers: Record<string, string>; body: (request: Received) => string }
  | { hang: true };

/**
 * A coordinator on 127.0.0.1 that answers from a script, one answer per request, and records what it received.
 * Unscripted requests get a 500, so a test that expects no call sees it fail loudly.
 */
export class FakeCoordinator {
  readonly received: Received[] = [];
  private readonly script: Answer[] = [];
  private readonly hanging: ServerResponse[] = [];

  private constructor(private readonly server: Server) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void this.handle(request, response);
    });
  }

  static async start(): Promise<FakeCoordinator> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new FakeCoordinator(server);
  }

  /** A URL where nothing listens: connecting to it is refused at once. */
  static async unreachableUrl(): Promise<string> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, 'close');
    return `http://127.0.0.1:${port}`;
  }

  /** The base URL, e.g. `http://127.0.0.1:54321`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(status: number, body: string, headers: Record<string, string> = {}): this {
    this.script.push({ status, headers, body: () => body });
    return this;
  }

  /** Grants the next claim to the agent that sent it, echoing its task key and request id. */
  grant(): this {
    this.script.push({ status: 200, headers: {}, body: (request) => decision(request, true, request.body.agentId) });
    return this;
  }

  /** Answers the next claim: already claimed by `winner`. */
  deny(winner: string): this {
    this.script.push({ status: 200, headers: {}, body: (request) => decision(request, false, winner) });
    return this;
  }

  /** Grants the next claim as a lease with `fencingToken`, expiring `ttlSeconds` after CLAIMED_AT. */
  grantLease(fencingToken: number, ttlSeconds: number): this {
    this.script.push({
      status: 200,
      headers: {},
      body: (request) =>
        JSON.stringify({
          ...JSON.parse(decision(request, true, request.body.agentId)),
          mode: 'lease',
          fencingToken,
          ttlSeconds,
          expiresAt: new Date(Date.parse(CLAIMED_AT) + ttlSeconds * 1000).toISOString(),
        }),
    });
    return this;
  }

  /** Accepts the next holder request (renew, release, complete) as `result`. */
  accept(result: string): this {
    this.script.push({
      status: 200,
      headers: {},
      body: (request) =>
        JSON.stringify({ accepted: true, result, message: result, fencingToken: request.body.fencingToken }),
    });
    return this;
  }

  /** Refuses the next holder request with 409 and `reason`. */
  refuse(reason: string): this {
    this.script.push({
      status: 409,
      headers: {},
      body: (request) =>
        JSON.stringify({
          accepted: false,
          result: 'refused',
          reason,
          message: `Refused: ${reason}`,
          fencingToken: request.body.fencingToken,
          currentFencingToken: 9,
          heldBy: 'agent-9',
        }),
    });
    return this;
  }

  /** Accepts the next request and never answers it (until the coordinator is closed). */
  hang(): this {
    this.script.push({ hang: true });
    return this;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) {
      response.destroy();
    }
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const received: Received = {
      method: request.method ?? '',
      path: request.url ?? '',
      body: text === '' ? {} : (JSON.parse(text) as Record<string, any>),
      ...(request.headers.authorization !== undefined && { authorization: request.headers.authorization }),
      receivedAtMs: performance.now(),
    };
    this.received.push(received);
    const answer = this.script.shift() ?? {
      status: 500,
      headers: {},
      body: () => '{"error":"test","detail":"no answer scripted"}',
    };
    if ('hang' in answer) {
      this.hanging.push(response);
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(answer.body(received));
  }
}

function decision(request: Received, proceed: boolean, claimedBy: string | undefined): string {
  const { project, task, gitSha, requestId } = request.body;
  return JSON.stringify({
    proceed,
    taskKey: `${project}:${task}:${gitSha}`,
    requestId,
    claimedBy,
    claimedAt: CLAIMED_AT,
    message: `${proceed ? 'Claimed by' : 'Already claimed by'} ${claimedBy} at ${CLAIMED_AT}`,
  });
}
