import { randomInt } from 'node:crypto';

/** The `GenerateSecretString` settings of AWS::SecretsManager::Secret. */
export interface GenerateSecretString {
  readonly PasswordLength?: number;
  readonly ExcludeCharacters?: string;
  readonly ExcludeLowercase?: boolean;
  readonly ExcludeUppercase?: boolean;
  readonly ExcludeNumbers?: boolean;
  readonly ExcludePunctuation?: boolean;
  readonly IncludeSpace?: boolean;
  readonly RequireEachIncludedType?: boolean;
  readonly SecretStringTemplate?: string;
  readonly GenerateStringKey?: string;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** Generates a secret value locally with the same rules Secrets Manager applies. */
export function generateSecretString(spec: GenerateSecretString): string {
  const length = spec.PasswordLength ?? 32;
  const exclude = new Set(spec.ExcludeCharacters ?? '');
  const classes = [
    spec.ExcludeLowercase ? '' : LOWER,
    spec.ExcludeUppercase ? '' : UPPER,
    spec.ExcludeNumbers ? '' : DIGITS,
    spec.ExcludePunctuation ? '' : PUNCTUATION,
    spec.IncludeSpace ? ' ' : '',
  ].map((chars) => [...chars].filter((ch) => !exclude.has(ch)).join('')).filter((chars) => chars.length > 0);
  if (classes.length === 0) throw new Error('GenerateSecretString excludes every character');
  const all = classes.join('');
  const pick = (chars: string) => chars[randomInt(chars.length)];
  const chars: string[] = [];
  if (spec.RequireEachIncludedType ?? true) for (const c of classes) if (chars.length < length) chars.push(pick(c));
  while (chars.length < length) chars.push(pick(all));
  // Shuffle so the required characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  const password = chars.join('');
  if (spec.GenerateStringKey !== undefined) {
    const template = JSON.parse(spec.SecretStringTemplate ?? '{}') as Record<string, unknown>;
    template[spec.GenerateStringKey] = password;
    return JSON.stringify(template);
  }
  return password;
}
