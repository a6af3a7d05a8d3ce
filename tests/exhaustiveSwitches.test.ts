import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * ARCHITECTURE.md: every `switch` over a union of literals ends in `default: throwIllegalValue(x)`, so a
 * new member (a drawing op, a column role, an item type) is a type error instead of a silent no-op.
 */
const root = join(import.meta.dirname, '..');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });

function switchesWithoutIllegalValueDefault(files: readonly string[]): string[] {
  const program = ts.createProgram(files, { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, jsx: ts.JsxEmit.ReactJSX, resolveJsonModule: true });
  const checker = program.getTypeChecker();
  const isLiteralUnion = (type: ts.Type) =>
    type.isUnion() && type.types.every((t) => t.isLiteral() || (t.flags & ts.TypeFlags.BooleanLiteral) !== 0 || (t.flags & ts.TypeFlags.EnumLiteral) !== 0);
  const callsIllegalValue = (node: ts.Node): boolean =>
    (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'throwIllegalValue') || ts.forEachChild(node, callsIllegalValue) === true;
  const found: string[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isSwitchStatement(node) && isLiteralUnion(checker.getTypeAtLocation(node.expression))) {
        const fallback = node.caseBlock.clauses.find(ts.isDefaultClause);
        if (!fallback || !callsIllegalValue(fallback)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          found.push(`${relative(root, file)}:${line + 1} switch (${node.expression.getText(source)})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('exhaustive switches', () => {
  it('every switch over a union of literals ends in default: throwIllegalValue', () => {
    const files = ['src', 'electron'].flatMap((dir) => sourceFiles(join(root, dir)));
    expect(switchesWithoutIllegalValueDefault(files)).toEqual([]);
  }, 120_000);
});
