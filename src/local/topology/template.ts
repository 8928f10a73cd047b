import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnElement, Stack, Stage } from 'aws-cdk-lib';

/** A CloudFormation template as JSON. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResourceJson>;
  readonly [key: string]: unknown;
}

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Where a topology comes from: a CDK stack, a template object, a template file, or a cdk.out directory. */
export type TemplateSource = Stack | CfnTemplate | string;

/** A template with what is known about its resources' construct paths. */
export interface LoadedTemplate {
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** Logical id -> construct path (e.g. `MyStack/Cache/Resource`), where known. */
  readonly paths: ReadonlyMap<string, string>;
  /** Account and region of the stack, where known (for local ARNs). */
  readonly account: string;
  readonly region: string;
}

export interface LoadOptions {
  /** The stack to read from a cdk.out directory that holds several. */
  readonly stack?: string;
}

/** Reads a template from any supported source. */
export function loadTemplate(source: TemplateSource, options: LoadOptions = {}): LoadedTemplate {
  if (Stack.isStack(source)) return fromStack(source);
  if (typeof source === 'string') {
    const stat = fs.statSync(source);
    return stat.isDirectory() ? fromCloudAssembly(source, options.stack) : fromTemplateFile(source);
  }
  return fromTemplateObject(source, 'Template');
}

function fromStack(stack: Stack): LoadedTemplate {
  const stage = Stage.of(stack);
  if (stage === undefined) throw new Error(`Stack ${stack.node.path} is not part of an App or Stage`);
  const assembly = stage.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const paths = new Map<string, string>();
  for (const construct of stack.node.findAll()) {
    if (CfnElement.isCfnElement(construct) && Stack.of(construct) === stack) {
      paths.set(stack.resolve(construct.logicalId) as string, construct.node.path);
    }
  }
  return {
    stackName: stack.stackName,
    template: artifact.template as CfnTemplate,
    paths,
    account: concrete(stack.account) ?? '000000000000',
    region: concrete(stack.region) ?? 'us-east-1',
  };
}

function concrete(value: string): string | undefined {
  return value.includes('${Token[') ? undefined : value;
}

function fromTemplateFile(file: string): LoadedTemplate {
  const template = JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate;
  return fromTemplateObject(template, path.basename(file).replace(/\.template\.json$|\.json$/, ''));
}

function fromTemplateObject(template: CfnTemplate, stackName: string): LoadedTemplate {
  if (typeof template !== 'object' || template === null || typeof template.Resources !== 'object') {
    throw new Error('Not a CloudFormation template: it has no Resources section');
  }
  const paths = new Map<string, string>();
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const p = resource.Metadata?.['aws:cdk:path'];
    if (typeof p === 'string') paths.set(id, p);
  }
  return { stackName, template, paths, account: '000000000000', region: 'us-east-1' };
}

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly environment?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string };
  readonly metadata?: Record<string, Array<{ type: string; data: unknown }>>;
}

function fromCloudAssembly(dir: string, stackName: string | undefined): LoadedTemplate {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${dir} is not a cloud assembly (cdk.out): it has no manifest.json`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { artifacts?: Record<string, ManifestArtifact> };
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const names = stacks.map(([id, a]) => a.properties?.stackName ?? a.displayName ?? id);
  let chosen: [string, ManifestArtifact] | undefined;
  if (stackName !== undefined) {
    chosen = stacks.find(([id, a]) => id === stackName || a.displayName === stackName || a.properties?.stackName === stackName);
    if (chosen === undefined) throw new Error(`No stack '${stackName}' in ${dir}; it has: ${names.join(', ')}`);
  } else if (stacks.length === 1) {
    chosen = stacks[0];
  } else {
    // Prefer the only stack that has caches.
    const withCaches = stacks.filter(([, a]) => templateHasCaches(path.join(dir, a.properties?.templateFile ?? '')));
    if (withCaches.length !== 1) throw new Error(`${dir} has ${stacks.length} stacks (${names.join(', ')}): choose one with the stack option`);
    chosen = withCaches[0];
  }
  const [id, artifact] = chosen;
  const file = path.join(dir, artifact.properties?.templateFile ?? `${id}.template.json`);
  const template = JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate;
  const loaded = fromTemplateObject(template, artifact.properties?.stackName ?? id);
  const paths = new Map(loaded.paths);
  for (const [constructPath, entries] of Object.entries(artifact.metadata ?? {})) {
    for (const entry of entries) {
      if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') paths.set(entry.data, constructPath.replace(/^\//, ''));
    }
  }
  const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
  const account = env && !env[1].startsWith('unknown') ? env[1] : '000000000000';
  const region = env && !env[2].startsWith('unknown') ? env[2] : 'us-east-1';
  return { ...loaded, paths, account, region };
}

function templateHasCaches(file: string): boolean {
  try {
    const t = JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate;
    return Object.values(t.Resources ?? {}).some((r) => r.Type.startsWith('AWS::ElastiCache::') && !r.Type.endsWith('Group'));
  } catch {
    return false;
  }
}
