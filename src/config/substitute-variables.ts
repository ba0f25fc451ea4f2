/**
 * Layer: config. `${NAME}` substitution over the raw file text before YAML parsing:
 * `--param` wins over the environment, `${}` is empty, and an unset name is an error
 * (a silent empty string would turn into a wrong query or path).
 */

export interface Unresolved {
  readonly name: string;
  readonly line: number;
  readonly col: number;
}

export interface Substituted {
  readonly text: string;
  readonly unresolved: readonly Unresolved[];
  readonly used: ReadonlySet<string>;
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

export function substituteVariables(
  raw: string,
  params: ReadonlyMap<string, string>,
  env: Readonly<Record<string, string | undefined>>,
): Substituted {
  const unresolved: Unresolved[] = [];
  const used = new Set<string>();
  const text = raw.replace(PLACEHOLDER, (match, name: string, offset: number) => {
    if (name === '') return '';
    const value = params.get(name) ?? env[name];
    if (params.has(name)) used.add(name);
    if (value === undefined || value.includes('\0')) {
      if (!unresolved.some((u) => u.name === name)) unresolved.push({ name, ...position(raw, offset) });
      return match;
    }
    return value;
  });
  return { text, unresolved, used };
}

function position(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

export function unresolvedMessage(name: string): string {
  return (
    `'\${${name}}' in the config is unresolved — set it with \`--param ${name}=<value>\` (\`-p\`, which wins over the ` +
    `environment) or export the environment variable '${name}'. (A missing value would silently become an empty string, so rivet refuses.)`
  );
}

export function unusedParamWarning(name: string): string {
  return `--param '${name}' was not referenced by any \`\${${name}}\` placeholder in the config — check the parameter name (case-sensitive) or remove the unused --param`;
}
