import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
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
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 5);
    template.resourceCountIs('AWS::ElastiCache::CacheCluster', 1);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumNodeGroups: 3, ReplicasPerNodeGroup: 2, CacheNodeType: 'cache.r7g.large' });
    template.hasResourceProperties('AWS::ElastiCache::CacheCluster', { NumCacheNodes: 3, EngineVersion: '1.6.22' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { CACHE_ENGINE: 'valkey', PAGES_ENGINE: 'memcached' } },
    });
  });
});
