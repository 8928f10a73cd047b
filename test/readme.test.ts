import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';

/**
 * The README's TypeScript examples run together as one app (imports merged, the package name
 * pointing at src/), so they cannot drift from the API.
 */
describe('README examples', () => {
  test('synthesize the caches they describe', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const named = new Map<string, Set<string>>();
    const namespaces = new Map<string, string>();
    const body: string[] = [];
    for (const line of blocks.join('\n').split('\n')) {
      const m = /^import (.*) from '(.*)';$/.exec(line);
      if (!m) {
        // An asset directory the README assumes; the test uses inline code instead.
        body.push(line.replace("lambda.Code.fromAsset('dist/handler')", "lambda.Code.fromInline('exports.handler = async () => {}')"));
        continue;
      }
      const module = m[2] === 'cdk-elasticache' ? path.join(__dirname, '..', 'src') : m[2];
      if (m[1].startsWith('{')) {
        const names = named.get(module) ?? new Set<string>();
        m[1].replace(/[{}]/g, '').split(',').map((n) => n.trim()).filter(Boolean).forEach((n) => names.add(n));
        named.set(module, names);
      } else {
        namespaces.set(m[1], module);
      }
    }
    const source = [
      ...[...named].map(([module, names]) => `import { ${[...names].join(', ')} } from ${JSON.stringify(module)};`),
      ...[...namespaces].map(([spec, module]) => `import ${spec} from ${JSON.stringify(module)};`),
      ...body,
      'module.exports = { stack };',
    ].join('\n');
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    const js = ts.transpileModule(source, { compilerOptions }).outputText;
    const mod = { exports: {} as any };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('require', 'module', 'exports', js)(require, mod, mod.exports);

    const template = Template.fromStack(mod.exports.stack);
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 8);
    template.resourceCountIs('AWS::ElastiCache::CacheCluster', 1);
    template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 3);
    // The RBAC section's two users and group, the serverless section's user and group, and the
    // user and group the default serverless cache creates.
    template.resourceCountIs('AWS::ElastiCache::User', 4);
    template.resourceCountIs('AWS::ElastiCache::UserGroup', 3);
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
      MajorEngineVersion: '8',
      CacheUsageLimits: { DataStorage: { Unit: 'GB', Maximum: 10 }, ECPUPerSecond: { Maximum: 100000 } },
      UserGroupId: { Ref: Match.stringLikeRegexp('^EventsUserGroup') },
    });
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', { UserGroupId: { Ref: Match.stringLikeRegexp('^SessionUsers') } });
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', { Description: 'Serverless cache Sessions/OpenServerless', UserGroupId: Match.absent() });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumNodeGroups: 3, ReplicasPerNodeGroup: 2, CacheNodeType: 'cache.r7g.large' });
    template.hasResourceProperties('AWS::ElastiCache::CacheCluster', { NumCacheNodes: 3, EngineVersion: '1.6.22' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CACHE_ENGINE: 'valkey',
          PAGES_ENGINE: 'memcached',
          SESSIONS_SESSION_TTL: '3600',
          PRODUCTS_INVALIDATION: 'write',
          PRODUCTS_TTL: '600',
          RBAC_AUTH: 'password',
          RBAC_USER: 'app',
          SERVERLESS_MODE: 'serverless',
          SERVERLESS_AUTH: 'password',
          SERVERLESS_USER: 'sessions-app',
          EVENTS_MODE: 'serverless',
          EVENTS_AUTH: 'password',
          EVENTS_USER: Match.stringLikeRegexp('^sessions-events-user-[a-z0-9]+$'),
          EVENTS_SECRET_ARN: { Ref: Match.stringLikeRegexp('^EventsUserSecret') },
        }),
      },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: 'CACHE_MODE', Value: 'standalone' }]) })],
    });
    // The session store's five recommended alarms and the README's own.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
  });

  test('the application and test snippets type-check against the package', () => {
    // ```typescript blocks are application and test code: each is compiled as its own module,
    // with the package's names mapped to src/ and the application's own objects (db, app) declared.
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const snippets = [...readme.matchAll(/```typescript\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    const root = path.join(__dirname, '..');
    const prelude = [
      'declare const db: { findProduct(id: string): Promise<unknown>; renameProduct(id: string, name: string): Promise<unknown> };',
      'declare const app: { use(handler: unknown): void };',
      '',
    ].join('\n');
    const files = new Map(snippets.map((code, i) => [path.join(root, `readme-snippet-${i}.ts`), `${prelude}${code}\nexport {};\n`]));
    const options: ts.CompilerOptions = {
      noEmit: true,
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      // Sources, not lib/: the tests run before anything is compiled.
      paths: {
        'cdk-elasticache/runtime': [path.join(root, 'src', 'runtime', 'index.ts')],
        'cdk-elasticache/local': [path.join(root, 'src', 'local', 'index.ts')],
        'cdk-elasticache': [path.join(root, 'src', 'index.ts')],
      },
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) => files.has(name)
      ? ts.createSourceFile(name, files.get(name)!, version)
      : getSourceFile(name, version, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => files.has(name) || fileExists(name);
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || files.has(d.file.fileName))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });
});
