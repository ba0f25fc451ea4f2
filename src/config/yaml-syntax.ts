/**
 * Layer: config. YAML syntax errors as config problems, with upstream's two hints:
 * unquoted `{…}` values (flow-mapping symptoms) and TAB indentation.
 */
import type { ConfigProblem } from './config-problem.js';
import type { ParsedYaml } from './yaml-locator.js';

export function yamlSyntaxProblems(parsed: ParsedYaml, text: string): ConfigProblem[] {
  return parsed.doc.errors.map((error) => {
    const pos = parsed.lines.linePos(error.pos[0]);
    const hints: string[] = [];
    if (/flow|collection|map|seq/i.test(error.code + error.message) && /:\s*\{[^'"]/m.test(text)) {
      hints.push(
        'a YAML value containing { } (such as {partition} or {date}) must be quoted, e.g. path: "exports/{date}/"',
      );
    }
    const tabLine = text.split('\n').findIndex((line) => /^\s*\t/.test(line));
    if (tabLine >= 0)
      hints.push(
        `line ${tabLine + 1} is indented with a TAB — YAML requires spaces. Replace the tab(s) with spaces.`,
      );
    return {
      path: [],
      line: pos.line,
      col: pos.col,
      message: `invalid YAML: ${error.message.split('\n')[0]}`,
      hint: hints.length > 0 ? hints.join('; ') : undefined,
      code: 'RIVET_CONFIG_YAML',
    };
  });
}
