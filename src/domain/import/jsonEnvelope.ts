import { err, ok, type Result } from '../result';
import { lineIndex, quote, stripBom, type ImportIssue } from './issues';
import { entryOf, formatPath, parseJsonNodes, repeatedNames, type JsonNode } from './json';

/** What a JSON file must look like at the top, shared by item and skill files. */
export type JsonFileSpec = { format: string; listName: string; what: string };

/** Locates things in a JSON text by line. */
export type JsonLocator = (offset: number) => { line: number; column: number };

/**
 * Reads the envelope `{ "format": …, "<list>": [ … ] }` of a PaperLoop JSON file and returns the
 * nodes of the list, the line finder, and every problem found so far (syntax, format, repeated names).
 */
export function readJsonEnvelope(
  text: string,
  file: string,
  spec: JsonFileSpec,
): Result<{ list: JsonNode[]; at: JsonLocator; issues: ImportIssue[] }, ImportIssue[]> {
  const src = stripBom(text);
  const at = lineIndex(src);
  const example = `{ "format": "${spec.format}", "${spec.listName}": [ … ] }`;
  const parsed = parseJsonNodes(src);
  if (!parsed.ok) {
    const { line, column } = at(parsed.error.offset);
    return err([{ file, line, column, message: `JSON syntax error: ${parsed.error.message}`, fix: parsed.error.fix }]);
  }
  const root = parsed.value;
  const rootLine = at(root.start).line;
  if (root.kind !== 'object') {
    const fix =
      root.kind === 'array' ? `wrap the list as ${example}` : `write the file as ${example}`;
    return err([{ file, line: rootLine, message: `the file must be a JSON object, but it is ${root.kind === 'array' ? 'a list' : `a ${root.kind}`}`, fix }]);
  }
  const issues: ImportIssue[] = [];
  for (const r of repeatedNames(root))
    issues.push({
      file,
      line: at(r.keyStart).line,
      field: formatPath(r.path),
      message: 'this name appears twice in the same object, and only the last one would count',
      fix: 'keep one of the two entries',
    });
  const format = entryOf(root, 'format');
  if (!format)
    issues.push({ file, line: rootLine, field: 'format', message: 'is missing, so this is not known to be a PaperLoop file', fix: `add "format": "${spec.format}"` });
  else if (format.value.kind !== 'string' || format.value.value !== spec.format) {
    const v = format.value.kind === 'string' ? format.value.value : undefined;
    const [family, version] = (v ?? '').split('/');
    const [wantFamily] = spec.format.split('/');
    const message =
      v === undefined
        ? `must be the text "${spec.format}"`
        : family === wantFamily
          ? `${quote(v)} is a version this station does not read (it reads ${spec.format})`
          : /^paperloop\./.test(v)
            ? `${quote(v)} is a different kind of PaperLoop file, not ${spec.what}`
            : `${quote(v)} is not a PaperLoop ${spec.what} format`;
    const fix =
      family === wantFamily && version !== undefined
        ? `export the file as ${spec.format}, or update PaperLoop`
        : /^paperloop\./.test(v ?? '')
          ? `import it with the importer for ${v}, or write "format": "${spec.format}"`
          : `write "format": "${spec.format}"`;
    issues.push({ file, line: at(format.value.start).line, field: 'format', message, fix });
  }
  const listEntry = entryOf(root, spec.listName);
  if (!listEntry) {
    issues.push({ file, line: rootLine, field: spec.listName, message: 'is missing', fix: `add "${spec.listName}": [ … ] with the ${spec.what}` });
    return err(issues);
  }
  if (listEntry.value.kind !== 'array') {
    issues.push({ file, line: at(listEntry.value.start).line, field: spec.listName, message: `must be a list [ … ], but it is ${listEntry.value.kind === 'object' ? 'an object' : `a ${listEntry.value.kind}`}`, fix: `write "${spec.listName}": [ … ]` });
    return err(issues);
  }
  return ok({ list: listEntry.value.items, at, issues });
}
