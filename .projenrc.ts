import { awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-elasticache',
  description:
    'AWS CDK constructs for Amazon ElastiCache (Valkey, Redis OSS, Memcached) with secure defaults, application patterns and a bundled local engine for tests.',
  author: 'cdk-elasticache contributors',
  authorAddress: 'cdk-elasticache@users.noreply.github.com',
  authorOrganization: false,
  repositoryUrl: 'https://github.com/cdk-elasticache/cdk-elasticache.git',
  license: 'Apache-2.0',
  keywords: ['aws', 'cdk', 'awscdk', 'elasticache', 'valkey', 'redis', 'memcached', 'cache'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenVersion: '0.103.25',

  // aws-cdk-lib 2.257 is the first version cdk-nag 3.x (and its Validations API) supports.
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0',
  minNodeVersion: '20.0.0',

  // Our CI is .ci/run; the hosted workflows would only drift from it.
  github: false,
  release: false,

  publishToPypi: {
    distName: 'cdk-elasticache',
    module: 'cdk_elasticache',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkelasticache',
    mavenGroupId: 'io.github.cdk-elasticache',
    mavenArtifactId: 'cdk-elasticache',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkElastiCache',
    packageId: 'CdkElastiCache',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-elasticache/cdk-elasticache-go',
  },

  // The local engine runs Lua scripts with fengari and makes its TLS certificates with node-forge;
  // both are plain JavaScript and ship inside the package.
  bundledDeps: ['fengari@^0.1.5', 'node-forge@^1.4.3'],
  devDeps: [
    '@types/node@^20',
    'ts-jest@^29.4.15',
    'cdk-nag@^3.0.2',
    'ioredis@^6',
    'iovalkey@^0.4.0',
    '@redis/client@^6',
    'memjs@^1.3.2',
    '@types/memjs',
    'memcached@^2.2.2',
    '@types/memcached',
    '@types/node-forge',
    'fast-check@^4',
    'esbuild@^0.28',
    // The session-cache example's handler reads the AUTH token from Secrets Manager (the Lambda
    // runtime ships this client; the example only needs it for type checks and lint).
    '@aws-sdk/client-secrets-manager@^3',
    // cdk-elasticache/runtime loads these lazily from the application (see src/runtime/modules.ts):
    // the SSM parameter holding an instance's contract, IAM auth tokens, and credentials for them.
    // jsii resolves every peerDependency as a jsii assembly, so they cannot be declared as peers;
    // the README lists what an application installs for each feature.
    '@aws-sdk/client-ssm@^3',
    '@aws-sdk/credential-provider-node@^3',
    '@smithy/signature-v4@^5',
    // Express session support is documented with express-session and connect-redis 7 (the last
    // major that accepts an ioredis client); the test runs them with our client.
    'express-session@^1.18',
    '@types/express-session',
    'connect-redis@^7.1.1',
    // The db-cache example's handler reads Aurora PostgreSQL with pg.
    'pg@^8',
    '@types/pg',
    // Tests of the local engine's IAM authentication sign tokens as applications do: with the
    // SDK's SigV4 signer and its SHA-256.
    '@aws-crypto/sha256-js@^5',
  ],

  jestOptions: {
    jestConfig: {
      // Differential tests need a real redis-server / memcached; they run with `npm run test:compat`.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/compat/'],
      collectCoverage: false,
      testTimeout: 30_000,
    },
  },
  tsconfig: {
    compilerOptions: {
      // tsc's default lib for ES2022 lacks nothing we need; keep declarations for the subpath modules.
      lib: ['es2022'],
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc'],
  },
  gitignore: ['/cdk.out', 'examples/**/cdk.out', '/bench/results/'],
});
for (const pattern of ['/examples/', '/bench/', '/.ci/', '/scripts/']) {
  project.addPackageIgnore(pattern);
}

// ---------------------------------------------------------------------------------------------
// Node-only subpath modules: `cdk-elasticache/local` (the local engine) and
// `cdk-elasticache/runtime` (helpers for application code). They are compiled with the rest of
// src/ but are not reachable from the jsii entry point. `typesVersions` serves consumers that
// still resolve modules the node10 way; `exports` serves node16/bundler resolution.
// ---------------------------------------------------------------------------------------------
const subpaths = ['local', 'runtime'];
const exportsField: Record<string, unknown> = {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
};
const typesVersions: Record<string, string[]> = {};
for (const sub of subpaths) {
  exportsField[`./${sub}`] = { types: `./lib/${sub}/index.d.ts`, default: `./lib/${sub}/index.js` };
  typesVersions[sub] = [`lib/${sub}/index.d.ts`];
}
project.package.addField('exports', exportsField);
project.package.addField('typesVersions', { '*': typesVersions });
project.package.addBin({ 'cdk-elasticache-local': 'lib/local/cli.js' });

// Protocol code (CRC16, bit fields, RESP flags) needs bitwise operators.
project.eslint?.addOverride({
  files: ['src/local/**/*.ts', 'src/runtime/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
  rules: { 'no-bitwise': 'off' },
});

// The runtime helpers load the clients and AWS SDK packages the application installed, with
// literal require() calls inside try blocks: bundlers (esbuild in NodejsFunction) then include the
// ones that are installed and leave the others as runtime requires.
project.eslint?.addOverride({
  files: ['src/runtime/modules.ts'],
  rules: { '@typescript-eslint/no-require-imports': 'off', 'import/no-extraneous-dependencies': 'off' },
});

// ts-jest transpiles each file alone (isolatedModules) and checks no types: type-check the tests,
// and the sources as the tests see them, as part of `npm test`.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests and everything they import',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependSpawn(typecheck);

// Consumers must find the subpath types with both module resolutions.
project.postCompileTask.exec('node scripts/check-subpath-types.js');

project.addTask('demo', {
  description: 'Synthesize the session-cache example and show what each consumer receives',
  exec: 'ts-node --transpile-only --project test/tsconfig.json examples/demo.ts',
});

project.addTask('bench:memcached', {
  description: 'Benchmark the local memcached server against memcached (needs memcached installed)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json bench/memcached.ts',
  receiveArgs: true,
});

// Differential tests: the same traffic against the local engine and a real redis-server / memcached
// (Debian packages that .ci/run installs). Kept out of `npm test` so a fresh clone needs no servers.
project.addTask('test:compat', {
  description: 'Differential tests against real redis-server and memcached (needs both installed)',
  exec: 'jest --testPathIgnorePatterns=/node_modules/ --runInBand test/compat',
  receiveArgs: true,
});

project.addTask('bench:redis', {
  description: 'Benchmark the local Redis engine against redis-server (needs redis-server and redis-tools)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json bench/redis.ts',
  receiveArgs: true,
});

project.addTask('bench:topology', {
  description: 'Benchmark local topology start time and cluster throughput against a redis-server cluster',
  exec: 'ts-node --transpile-only --project test/tsconfig.json bench/topology.ts',
  receiveArgs: true,
});

project.synth();
