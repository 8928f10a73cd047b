/**
 * Sessions over HTTP: GET /sessions/{id} reads one, PUT stores the JSON body as the session's
 * data (for the default TTL, CACHE_SESSION_TTL), DELETE ends it.
 *
 * The connection comes from the contract the CDK app wrote into the environment: this file holds
 * no endpoint, port, certificate or password, and runs unchanged against ElastiCache and against
 * the local engine.
 */
import { sessionStore } from '../../src/runtime';
import { HttpEvent, HttpResult, json, jsonBody } from '../shared/http';
// In an application: import { sessionStore } from 'cdk-elasticache/runtime';

const sessions = sessionStore();

export async function handler(event: HttpEvent): Promise<HttpResult> {
  const id = event.pathParameters?.id ?? '';
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) return json(400, { message: 'the session id must be 1 to 128 letters, digits, hyphens or underscores' });
  switch (event.requestContext.http.method) {
    case 'GET': {
      const data = await sessions.get(id);
      return data === undefined ? json(404, { id, found: false }) : json(200, { id, found: true, data });
    }
    case 'PUT': {
      const data = jsonBody(event);
      if (data === null || typeof data !== 'object' || Array.isArray(data)) return json(400, { message: 'the body must be a JSON object' });
      await sessions.set(id, data as Record<string, unknown>);
      return json(200, { id, found: true, data });
    }
    case 'DELETE':
      await sessions.destroy(id);
      return json(200, { id, found: false });
    default:
      return json(405, { message: `method ${event.requestContext.http.method} is not supported` });
  }
}

/** Closes the connection (tests and local runs; Lambda keeps it for the next invocation). */
export function close(): Promise<void> {
  return sessions.close();
}
