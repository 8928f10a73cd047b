import { Names } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A stable, unique, lower-case name for a resource whose name ElastiCache stores lower-case
 * (subnet groups): letters, digits and single hyphens, starting with a letter, at most maxLength.
 * Stable across deployments because it derives from the construct path.
 */
export function lowerCaseName(scope: IConstruct, maxLength: number): string {
  const raw = Names.uniqueResourceName(scope, { maxLength, separator: '-' });
  let name = raw.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = `c-${name}`;
  return name.slice(0, maxLength).replace(/-+$/, '');
}
