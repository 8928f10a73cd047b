/**
 * `npm run demo`: synthesizes the session-cache example in-process and reports, from the
 * synthesized CloudFormation template alone, each cache's topology and what each consumer
 * receives: the connection contract variables, the security group rule and the secret grant.
 * Then it starts the same topology on the local engine and runs the example's Lambda handler
 * against it, with the environment the function would get in AWS.
 */
import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { SessionCacheStack } from './session-cache/app';
import { LocalElastiCache } from '../src/local';

type Json = any;

const CACHE_TYPES = ['AWS::ElastiCache::ReplicationGroup', 'AWS::ElastiCache::CacheCluster'];

/** Renders a CloudFormation value readably: references become `<Construct.Attribute>`. */
function render(value: Json, paths: Record<string, string>): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map((v) => render(v, paths)).join(', ');
  if ('Ref' in value) return value.Ref.startsWith('AWS::') ? `<${value.Ref}>` : `<${paths[value.Ref] ?? value.Ref}>`;
  if ('Fn::GetAtt' in value) {
    const [id, attr] = value['Fn::GetAtt'];
    return `<${paths[id] ?? id}.${attr}>`;
  }
  if ('Fn::Join' in value) {
    const [sep, parts] = value['Fn::Join'];
    return (parts as Json[]).map((p) => render(p, paths)).join(sep);
  }
  return JSON.stringify(value);
}

/** Logical ids referenced anywhere inside a value. */
function references(value: Json, out = new Set<string>()): Set<string> {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') out.add(value.Ref);
    if (Array.isArray(value['Fn::GetAtt'])) out.add(value['Fn::GetAtt'][0]);
    for (const v of Object.values(value)) references(v, out);
  }
  return out;
}

function describeTopology(type: string, p: Json, resources: Record<string, Json>, paths: Record<string, string>): string[] {
  /** The settings of a parameter group defined in the same template. */
  const params = (name: Json): string => {
    const group = typeof name === 'object' && typeof name?.Ref === 'string' ? resources[name.Ref] : undefined;
    const settings = Object.entries<string>(group?.Properties?.Properties ?? {}).map(([k, v]) => `${k}=${v}`);
    return settings.length > 0 ? ` (${settings.join(', ')})` : '';
  };
  if (type === 'AWS::ElastiCache::CacheCluster') {
    return [
      `engine       ${p.Engine} ${p.EngineVersion}`,
      `mode         memcached: ${p.NumCacheNodes} node(s), ${p.AZMode ?? 'single-az'}`,
      `node type    ${p.CacheNodeType}`,
      `TLS          ${p.TransitEncryptionEnabled ? 'on' : 'off'}`,
      'auth         none (Memcached has no authentication)',
      `port         ${p.Port}`,
      `parameters   ${p.CacheParameterGroupName === undefined ? 'engine default' : render(p.CacheParameterGroupName, paths)}${params(p.CacheParameterGroupName)}`,
    ];
  }
  const clusterOn = p.NumNodeGroups !== undefined;
  const shards = clusterOn ? p.NumNodeGroups : 1;
  const replicas = clusterOn ? p.ReplicasPerNodeGroup : p.NumCacheClusters - 1;
  const nodes = shards * (replicas + 1);
  const ha = [p.MultiAZEnabled ? 'Multi-AZ' : 'single-AZ', p.AutomaticFailoverEnabled ? 'automatic failover' : 'no failover'].join(', ');
  return [
    `engine       ${p.Engine} ${p.EngineVersion}`,
    `mode         cluster mode ${clusterOn ? 'enabled' : 'disabled'}: ${shards} shard(s) x (1 primary + ${replicas} replica(s)) = ${nodes} nodes, ${ha}`,
    `node type    ${p.CacheNodeType}`,
    `TLS          ${p.TransitEncryptionEnabled ? `on (${p.TransitEncryptionMode ?? 'preferred'})` : 'off'}, encryption at rest ${p.AtRestEncryptionEnabled ? 'on' : 'off'}`,
    `auth         ${p.AuthToken ? `AUTH token ${p.AuthToken['Fn::Join'] ? '(Secrets Manager dynamic reference)' : ''}`.trim() : 'none'}`,
    `port         ${p.Port}`,
    `parameters   ${p.CacheParameterGroupName === undefined ? 'engine default' : render(p.CacheParameterGroupName, paths)}${params(p.CacheParameterGroupName)}`,
    `backups      ${p.SnapshotRetentionLimit ?? 0} day(s), window ${p.SnapshotWindow ?? '-'} UTC; maintenance ${p.PreferredMaintenanceWindow ?? '-'}`,
  ];
}

/** An app whose templates carry construct paths, with bundling skipped. */
export function demoApp(): App {
  return new App({
    context: {
      // Bundling the handler (esbuild) changes only the asset hash, not what is reported here.
      'aws:cdk:bundling-stacks': [],
      // Construct paths in the template name the resources readably.
      'aws:cdk:enable-path-metadata': true,
    },
  });
}

/** Synthesizes the session-cache app and returns the report's lines. */
export function report(): string[] {
  const app = demoApp();
  new SessionCacheStack(app, 'SessionCache');
  const assembly = app.synth();
  try {
    return describeAssembly(assembly);
  } finally {
    fs.rmSync(assembly.directory, { recursive: true, force: true });
  }
}

/** Each cache's topology and each consumer's contract, read from the synthesized templates. */
export function describeAssembly(assembly: CloudAssembly): string[] {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  for (const artifact of assembly.stacks) {
    const resources: Record<string, Json> = artifact.template.Resources ?? {};
    const paths: Record<string, string> = {};
    for (const [id, r] of Object.entries(resources)) {
      const cdkPath: string | undefined = r.Metadata?.['aws:cdk:path'];
      paths[id] = cdkPath ? cdkPath.split('/').slice(1).filter((s) => s !== 'Resource').join('/') : id;
    }
    log(`Stack ${artifact.stackName}`);
    log('');

    const caches = Object.entries(resources).filter(([, r]) => CACHE_TYPES.includes(r.Type));
    for (const [cacheId, cache] of caches) {
      log(`Cache ${paths[cacheId]} (${cache.Type})`);
      for (const line of describeTopology(cache.Type, cache.Properties, resources, paths)) log(`  ${line}`);
      const sgIds = new Set([...references(cache.Properties.SecurityGroupIds ?? []), ...references(cache.Properties.VpcSecurityGroupIds ?? [])]);

      // Consumers: functions whose environment refers to this cache.
      for (const [fnId, fn] of Object.entries(resources)) {
        if (fn.Type !== 'AWS::Lambda::Function') continue;
        const variables: Record<string, Json> = fn.Properties.Environment?.Variables ?? {};
        const prefixes = Object.keys(variables)
          .filter((k) => k.endsWith('_ID') && references(variables[k]).has(cacheId))
          .map((k) => k.slice(0, -'_ID'.length));
        for (const prefix of prefixes) {
          log('');
          log(`  Consumer ${paths[fnId]} (${fn.Type}), prefix ${prefix}`);
          for (const [k, v] of Object.entries(variables).filter(([name]) => name.startsWith(`${prefix}_`))) {
            log(`    ${k}=${render(v, paths)}`);
          }
          const fnSgs = references(fn.Properties.VpcConfig?.SecurityGroupIds ?? []);
          for (const rule of Object.values(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress')) {
            const to = [...references(rule.Properties.GroupId)][0];
            const from = [...references(rule.Properties.SourceSecurityGroupId ?? {})][0];
            if (sgIds.has(to) && fnSgs.has(from)) {
              log(`    network: ${paths[from]} -> ${paths[to]} on ${rule.Properties.IpProtocol}/${rule.Properties.FromPort}-${rule.Properties.ToPort}`);
            }
          }
          const roles = references(fn.Properties.Role);
          for (const policy of Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy')) {
            if (![...references(policy.Properties.Roles)].some((r) => roles.has(r))) continue;
            for (const statement of policy.Properties.PolicyDocument.Statement) {
              const actions = [statement.Action].flat().filter((a: string) => a.startsWith('secretsmanager:'));
              if (actions.length > 0) log(`    IAM: ${actions.join(', ')} on ${render(statement.Resource, paths)}`);
            }
          }
        }
      }
      log('');
    }
  }
  return lines;
}

/** Shortens secrets and certificates for printing. */
function displayValue(name: string, value: string): string {
  if (name.endsWith('_PASSWORD')) return `${value.slice(0, 4)}… (${value.length} characters, from the local secret)`;
  if (name.endsWith('_TLS_CA')) return '<PEM of the local CA>';
  return value;
}

/**
 * Starts the session-cache stack on the local engine and runs its handler: a session is stored,
 * read back through the primary, and read from a replica through the reader endpoint.
 */
export async function runLocally(log: (line: string) => void = console.log): Promise<void> {
  const app = demoApp();
  const stack = new SessionCacheStack(app, 'SessionCache');
  const started = Date.now();
  const local = await LocalElastiCache.start(stack);
  try {
    log(`Local engine: started ${local.caches.length} cache(s) of ${local.stackName} in ${Date.now() - started} ms`);
    for (const cache of local.caches) {
      const nodes = cache.group?.nodes.length ?? 0;
      log(`  ${cache.path?.replace(/\/Resource$/, '') ?? cache.logicalId}: ${cache.engine}, ${cache.mode}, ${nodes} node(s), TLS ${cache.tls ? 'on' : 'off'}`);
      log(`    endpoint ${cache.endpoint.host}:${cache.endpoint.port}${cache.readerEndpoint ? `, reader ${cache.readerEndpoint.host}:${cache.readerEndpoint.port}` : ''}`);
    }
    const consumer = 'SessionCache/SessionHandler';
    const env = local.env(consumer);
    log('');
    log(`Environment of ${consumer} (what it gets in AWS, pointing at the local endpoints):`);
    for (const [k, v] of Object.entries(env).sort()) log(`  ${k}=${displayValue(k, v)}`);

    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const session = require('./session-cache/handler') as typeof import('./session-cache/handler');
      const call = async (method: string, id: string, body?: unknown) => {
        const result = await session.handler({
          requestContext: { http: { method } },
          pathParameters: { id },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        log(`${method.padEnd(6)} /sessions/${id.padEnd(9)} -> ${result.statusCode} ${result.body ?? ''}`);
      };
      log('');
      log('The Lambda handler, invoked as API Gateway would:');
      await call('PUT', 'demo-user', { user: 'ana', cart: ['book', 'lamp'] });
      await call('GET', 'demo-user');
      await call('GET', 'nobody');
      const replica = local.caches[0].group?.shards[0].replicas[0];
      if (replica) {
        const value = replica.dbs[0].get('session:demo-user', Date.now(), false);
        const ttl = replica.dbs[0].getExpire('session:demo-user');
        log(`replica ${replica.host}:${replica.port} holds session:demo-user = ${typeof value === 'string' ? value : '(missing)'}` +
          (ttl === undefined ? '' : `, expiring in ${Math.round((ttl - Date.now()) / 1000)} s`));
      }
      await call('DELETE', 'demo-user');
      await call('GET', 'demo-user');
      await session.close();
    } finally {
      process.env = saved;
    }
  } finally {
    await local.stop();
  }
}

if (require.main === module) {
  for (const line of report()) console.log(line);
  runLocally().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
