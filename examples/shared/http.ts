/**
 * The small part of API Gateway's HTTP API (payload format 2.0) that the examples' handlers use,
 * typed here so the examples need no extra type package.
 */
export interface HttpEvent {
  readonly requestContext: { readonly http: { readonly method: string } };
  readonly pathParameters?: Record<string, string | undefined>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

export interface HttpResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A JSON response. */
export function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The request body as JSON, or undefined when it is not valid JSON. */
export function jsonBody(event: HttpEvent): unknown {
  if (event.body === undefined) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
