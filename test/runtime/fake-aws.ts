import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake endpoint received. */
export interface FakeAwsRequest {
  readonly target: string;
  readonly body: any;
  readonly authorization: string;
}

/** A local stand-in for an AWS JSON-protocol service (Secrets Manager, SSM) on 127.0.0.1. */
export interface FakeAwsEndpoint {
  readonly url: string;
  readonly requests: FakeAwsRequest[];
  close(): Promise<void>;
}

/** Fixed credentials for SDK clients pointed at the fake endpoint. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/**
 * Answers `X-Amz-Target: <Service>.<Operation>` requests with the handler's JSON; a handler that
 * throws `{ type, message }` answers 400 with that error, as the services do.
 */
export async function fakeAwsEndpoint(handlers: Record<string, (body: any) => object>): Promise<FakeAwsEndpoint> {
  const requests: FakeAwsRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      requests.push({ target, body, authorization: String(req.headers.authorization ?? '') });
      const handler = handlers[target];
      let status = 200;
      let reply: object;
      try {
        if (!handler) throw { type: 'UnknownOperationException', message: `no handler for ${target}` };
        reply = handler(body);
      } catch (e: any) {
        status = 400;
        reply = { __type: e.type ?? 'InternalFailure', message: e.message ?? String(e) };
      }
      const text = JSON.stringify(reply);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
