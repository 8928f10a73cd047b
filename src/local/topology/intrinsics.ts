/**
 * Resolution of the CloudFormation intrinsic functions a synthesized template uses between its
 * caches, secrets and consumers: Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split,
 * Fn::GetAZs, pseudo parameters, and Secrets Manager dynamic references.
 */

/** Thrown when a value depends on something that does not exist locally (e.g. a VPC id). */
export class UnresolvedError extends Error {}

export interface ResolveContext {
  readonly account: string;
  readonly region: string;
  /** Ref of a resource or parameter; undefined when not known locally. */
  ref(logicalId: string): string | undefined;
  /** Fn::GetAtt; undefined when not known locally. */
  getAtt(logicalId: string, attribute: string): string | undefined;
  /** The value of a Secrets Manager secret (by ARN or name), for dynamic references. */
  secretValue(secretId: string): string | undefined;
}

/** Resolves a template value to plain JSON; throws UnresolvedError for what is not local. */
export function resolveValue(value: unknown, ctx: ResolveContext): unknown {
  if (typeof value === 'string') return resolveDynamicReferences(value, ctx);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [fn] = keys;
    const arg = obj[fn];
    switch (fn) {
      case 'Ref': return ref(String(arg), ctx);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.+)/);
        const v = ctx.getAtt(id, attr);
        if (v === undefined) throw new UnresolvedError(`Fn::GetAtt ${id}.${attr}`);
        return v;
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, unknown[]];
        const items = resolveValue(list, ctx) as unknown[];
        return resolveDynamicReferences(items.map(String).join(sep), ctx);
      }
      case 'Fn::Sub': return sub(arg, ctx);
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = resolveValue(list, ctx) as unknown[];
        return items[Number(resolveValue(index, ctx))];
      }
      case 'Fn::Split': {
        const [sep, text] = arg as [string, unknown];
        return String(resolveValue(text, ctx)).split(sep);
      }
      case 'Fn::GetAZs': return ['a', 'b', 'c'].map((z) => `${ctx.region}${z}`);
      case 'Fn::If':
      case 'Fn::ImportValue':
      case 'Fn::FindInMap':
        throw new UnresolvedError(fn);
      default:
        break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = resolveValue(obj[k], ctx);
  return out;
}

/** Resolves a value, or returns undefined when it depends on something that is not local. */
export function tryResolve(value: unknown, ctx: ResolveContext): unknown {
  try {
    return resolveValue(value, ctx);
  } catch (e) {
    if (e instanceof UnresolvedError) return undefined;
    throw e;
  }
}

function ref(id: string, ctx: ResolveContext): string {
  switch (id) {
    case 'AWS::AccountId': return ctx.account;
    case 'AWS::Region': return ctx.region;
    case 'AWS::Partition': return 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return 'local';
    case 'AWS::NoValue': return '';
    default: {
      const v = ctx.ref(id);
      if (v === undefined) throw new UnresolvedError(`Ref ${id}`);
      return v;
    }
  }
}

function sub(arg: unknown, ctx: ResolveContext): string {
  const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
  const out = text.replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
    if (name in vars) return String(resolveValue(vars[name], ctx));
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) {
      const v = ctx.getAtt(name.slice(0, dot), name.slice(dot + 1));
      if (v === undefined) throw new UnresolvedError(`Fn::Sub \${${name}}`);
      return v;
    }
    return ref(name, ctx);
  });
  return resolveDynamicReferences(out.replace(/\$\{!/g, '${'), ctx);
}

const DYNAMIC_REFERENCE = /\{\{resolve:secretsmanager:(.+?)\}\}/g;

/**
 * Replaces `{{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}`
 * with the local secret's value (or the JSON key of it).
 */
export function resolveDynamicReferences(text: string, ctx: ResolveContext): string {
  if (!text.includes('{{resolve:')) return text;
  return text.replace(DYNAMIC_REFERENCE, (_m, body: string) => {
    // The secret id may be an ARN, which contains ':' itself: split from the end.
    const parts = body.split(':');
    let secretId = body;
    let jsonKey = '';
    const i = parts.indexOf('SecretString');
    if (i >= 0) {
      secretId = parts.slice(0, i).join(':');
      jsonKey = parts[i + 1] ?? '';
    }
    const value = ctx.secretValue(secretId);
    if (value === undefined) throw new UnresolvedError(`secret ${secretId}`);
    if (jsonKey === '') return value;
    const parsed = JSON.parse(value) as Record<string, unknown>;
    if (!(jsonKey in parsed)) throw new UnresolvedError(`secret ${secretId} has no key ${jsonKey}`);
    return String(parsed[jsonKey]);
  });
}
