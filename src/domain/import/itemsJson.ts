import { ItemInput, type ItemType } from '../item';
import { err, ok, type Result } from '../result';
import { checkItem, ITEM_FIELDS } from './itemChecks';
import { quote, sortIssues, type ImportIssue } from './issues';
import { formatPath, jsonValue } from './json';
import { readJsonEnvelope } from './jsonEnvelope';
import { describeZodIssues } from './zodIssues';

export const ITEMS_FORMAT = 'paperloop.items/1';

/**
 * Reads an item bank file `{ "format": "paperloop.items/1", "items": [ … ] }`.
 * Syntax errors give the line and column. Each problem with an item gives the line where that item
 * starts and the path of the field, e.g. `items[3].answer`. Beyond the schema it checks that choice
 * answers are option keys, option keys are unique, numeric answers fit the digit grid, short answers
 * fit their boxes, item ids are unique in the file, and that items have no unknown fields.
 */
export function parseItemsJson(text: string, file: string): Result<ItemInput[], ImportIssue[]> {
  const env = readJsonEnvelope(text, file, { format: ITEMS_FORMAT, listName: 'items', what: 'items' });
  if (!env.ok) return env;
  const { list, at, issues } = env.value;
  const items: ItemInput[] = [];
  const firstLineOfId = new Map<string, number>();
  list.forEach((node, index) => {
    const line = at(node.start).line;
    const base: (string | number)[] = ['items', index];
    const push = (path: (string | number)[], message: string, fix: string) =>
      issues.push({ file, line, field: formatPath([...base, ...path]), message, fix });
    const value = jsonValue(node);
    if (node.kind !== 'object') {
      push([], `each item must be an object { … }, but this is ${node.kind === 'array' ? 'a list' : `a ${node.kind}`}`, 'write the item as { "id": …, "type": …, … }');
      return;
    }
    const parsed = ItemInput.safeParse(value);
    if (!parsed.success) {
      for (const p of describeZodIssues(parsed.error.issues, value, 'json')) push(p.path, p.message, p.fix);
      return;
    }
    const item = parsed.data;
    let bad = false;
    const allowed = ITEM_FIELDS[item.type as ItemType];
    for (const e of node.entries)
      if (!allowed.includes(e.key)) {
        bad = true;
        issues.push({
          file,
          line: at(e.keyStart).line,
          field: formatPath([...base, e.key]),
          message: `is not a field of a ${item.type} item`,
          fix: `remove it or correct its spelling; ${item.type} items have ${allowed.join(', ')}`,
        });
      }
    for (const p of checkItem(item)) {
      bad = true;
      push(p.path, p.message, p.fix);
    }
    const first = firstLineOfId.get(item.id);
    if (first !== undefined) {
      bad = true;
      push(['id'], `${quote(item.id)} is already used by the item on line ${first}`, 'give every item its own id');
    } else firstLineOfId.set(item.id, line);
    if (!bad) items.push(item);
  });
  return issues.length ? err(sortIssues(issues)) : ok(items);
}
