import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ItemInput, type Tier } from '../item';
import { err, ok, throwIllegalValue, type Result } from '../result';
import { checkItem, OPTION_KEYS } from './itemChecks';
import { lineIndex, quote, stripBom, type ImportIssue } from './issues';
import { describeZodIssues } from './zodIssues';

/** What a QTI item does not say but a PaperLoop item needs; the caller chooses them. */
export type QtiDefaults = {
  subject: string;
  grade: number;
  skills: string[];
  tier: Tier;
  minutes: number;
  /** Language of the texts when the item has no xml:lang, e.g. "en". */
  language: string;
  points?: number;
  difficulty?: number;
  /** Item id to use instead of the QTI identifier. */
  id?: string;
};

/** An imported QTI item: the PaperLoop item and how the QTI choice identifiers map to option keys. */
export type QtiImport = {
  item: ItemInput;
  /** The QTI version the file declares: "2.1", "2.2", "3.0", or "2.x" / "3.x" when only the element names tell. */
  qtiVersion: string;
  /** The item's QTI identifier attribute. */
  sourceIdentifier: string;
  /** QTI choice identifier → option key A–H, in document order (empty for text entry). */
  optionKeys: Record<string, string>;
};

/** Interactions this importer maps, by their QTI 2 name. */
export const SUPPORTED_QTI_INTERACTIONS = ['choiceInteraction', 'textEntryInteraction', 'extendedTextInteraction'] as const;

type XNode = { name: string; attrs: Record<string, string>; children: XChild[]; start: number };
type XChild = XNode | string;

const TAG = '\u0001';
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  htmlEntities: true,
  captureMetaData: true,
  // a prefix keeps element names such as "constructor" from being refused as dangerous
  transformTagName: (n: string) => TAG + n,
  transformAttributeName: (n: string) => TAG + n,
});
const META = XMLParser.getMetaDataSymbol();

/** qti-choice-interaction → choiceInteraction; response-identifier → responseIdentifier. */
function qti2Name(raw: string, isElement: boolean): string {
  const name = raw.replace(/^\u0001+/, '');
  const body = isElement && name.startsWith('qti-') ? name.slice(4) : name;
  return body.includes('-') ? body.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : body;
}

function toTree(entries: unknown, out: XChild[]): void {
  if (!Array.isArray(entries)) return;
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string | symbol, unknown>;
    if (typeof e['#text'] === 'string') {
      out.push(e['#text']);
      continue;
    }
    const key = Object.keys(e).find((k) => k !== ':@' && k !== '#text');
    if (key === undefined || key.replace(/^\u0001+/, '').startsWith('?')) continue;
    const attrs: Record<string, string> = {};
    const rawAttrs = e[':@'];
    if (rawAttrs && typeof rawAttrs === 'object')
      for (const [k, v] of Object.entries(rawAttrs as Record<string, unknown>)) if (typeof v === 'string') attrs[qti2Name(k, false)] = v;
    const meta = e[META as unknown as string] as { startIndex?: unknown } | undefined;
    const node: XNode = { name: qti2Name(key, true), attrs, children: [], start: typeof meta?.startIndex === 'number' ? meta.startIndex : -1 };
    toTree(e[key], node.children);
    out.push(node);
  }
}

const isNode = (c: XChild): c is XNode => typeof c !== 'string';

function* descendants(node: XNode): Generator<XNode> {
  for (const c of node.children)
    if (isNode(c)) {
      yield c;
      yield* descendants(c);
    }
}
const child = (node: XNode, name: string) => node.children.find((c): c is XNode => isNode(c) && c.name === name);
const children = (node: XNode, name: string) => node.children.filter((c): c is XNode => isNode(c) && c.name === name);

const BLOCK = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'tr', 'blockquote', 'pre', 'prompt', 'section', 'article', 'figure', 'figcaption', 'dl', 'dt', 'dd', 'hr', 'caption', 'contentBody']);
const SKIP = new Set(['feedbackInline', 'feedbackBlock', 'modalFeedback', 'rubricBlock', 'templateBlock', 'templateInline', 'stylesheet', 'script', 'style', 'printedVariable', 'catalogInfo', 'companionMaterialsInfo']);
/** Content we cannot print from an item file: a question that needs it would be wrong on paper. */
const UNPRINTABLE: Record<string, string> = { img: 'a picture', object: 'embedded media', video: 'a video', audio: 'an audio clip', math: 'a MathML formula', svg: 'a drawing', iframe: 'embedded web content' };

type TextContext = { blank?: XNode; onInteraction?: (n: XNode) => string | undefined; unprintable: XNode[] };

/** Plain text of mixed content: inline HTML stripped, block elements on their own lines. */
function rawText(node: XNode, ctx: TextContext): string {
  let out = '';
  for (const c of node.children) {
    if (typeof c === 'string') {
      out += c;
      continue;
    }
    if (SKIP.has(c.name)) continue;
    if (UNPRINTABLE[c.name] !== undefined) {
      ctx.unprintable.push(c);
      continue;
    }
    if (c.name.endsWith('Interaction')) {
      out += ctx.onInteraction?.(c) ?? '';
      continue;
    }
    const inner = rawText(c, ctx);
    out += BLOCK.has(c.name) ? `\n${inner}\n` : c.name === 'td' || c.name === 'th' ? ` ${inner} ` : inner;
  }
  return out;
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
}

const sanitizeId = (raw: string) => raw.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);

/** An issue at a node's line (when known). */
type Locate = (node: XNode | undefined, message: string, fix: string, field?: string) => ImportIssue;

function locator(text: string, file: string): Locate {
  const at = lineIndex(text);
  return (node, message, fix, field) => ({
    file,
    ...(node && node.start >= 0 ? { line: at(node.start).line } : {}),
    ...(field !== undefined ? { field } : {}),
    message,
    fix,
  });
}

/** What the interaction contributes: the question text and the type-specific fields of the item. */
type Content = { stem: string; candidate: Record<string, unknown>; optionKeys: Record<string, string>; issues: ImportIssue[] };
type ContentContext = { root: XNode; body: XNode; interaction: XNode; declaration: XNode; lang: string; title: string; unprintable: XNode[]; issue: Locate };

/**
 * Reads one QTI item (QTI 3.0 `qti-assessment-item`, or QTI 2.1/2.2 `assessmentItem`) with a single
 * choice interaction (→ single_choice or multiple_choice), text-entry interaction (→ short_text) or
 * extended-text interaction (→ open, scored by the teacher on paper).
 * The answer comes from the correct response, or else from the mapping's keys with a positive value.
 * Choice identifiers become option keys A–H in document order. Inline HTML is stripped to plain text.
 * Other interactions (order, match, …), pictures and MathML give an issue saying so.
 * A file with a document type declaration is refused (entities can read files or expand without end).
 */
export function parseQtiItem(xml: string, file: string, defaults: QtiDefaults): Result<QtiImport, ImportIssue[]> {
  const text = stripBom(xml);
  const issue = locator(text, file);
  const read = readItemRoot(text, file, issue);
  if (!read.ok) return read;
  const root = read.value;
  const body = child(root, 'itemBody');
  if (!body) return err([issue(root, 'the item has no item body', 'export the item again; an item needs an itemBody with its question')]);
  const interaction = singleInteraction(body, issue);
  if (!interaction.ok) return interaction;
  const declaration = responseDeclaration(root, interaction.value, issue);
  if (!declaration.ok) return declaration;

  const sourceIdentifier = root.attrs.identifier ?? '';
  const id = defaults.id ?? sanitizeId(sourceIdentifier);
  const xmlLang = /^([a-z]{2})(?:-|_|$)/i.exec(body.attrs.lang ?? root.attrs.lang ?? '')?.[1]?.toLowerCase();
  const lang = xmlLang ?? defaults.language;
  const unprintable: XNode[] = [];
  const context: ContentContext = { root, body, interaction: interaction.value, declaration: declaration.value, lang, title: tidy(root.attrs.title ?? ''), unprintable, issue };
  const content = interactionContent(context);
  const issues = [...content.issues];
  for (const n of unprintable)
    issues.push(issue(n, `the question contains ${UNPRINTABLE[n.name] ?? n.name} (<${n.name}>), which this import cannot carry`, 'author the item in JSON/CSV and write the content as text, or add the picture by hand', n.name));
  if (content.stem === '') issues.push(issue(body, 'the item has no question text', 'add a prompt or a paragraph to the item body, or author the item in JSON/CSV'));
  if (!id) issues.push(issue(root, `the identifier ${quote(sourceIdentifier)} has no letters or digits to make an item id from`, 'pass an id in the import defaults'));
  if (issues.length) return err(issues);

  const item = checkedItem({ id, defaults, lang, content }, context);
  if (!item.ok) return item;
  const v = /xmlns(?::[\w.-]+)?\s*=\s*["'][^"']*imsqti(?:asi)?_v(\d)p(\d)/.exec(text);
  const qtiVersion = v ? `${v[1]}.${v[2]}` : /qti-assessment-item/.test(text.slice(0, 2000)) ? '3.x' : '2.x';
  return ok({ item: item.value, qtiVersion, sourceIdentifier, optionKeys: content.optionKeys });
}

/** The item element of a well-formed file without a DOCTYPE, or why there is none. */
function readItemRoot(text: string, file: string, issue: Locate): Result<XNode, ImportIssue[]> {
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype)
    return err([
      {
        file,
        line: lineIndex(text)(doctype.index).line,
        message: 'the file has a document type declaration (<!DOCTYPE …>), which can define entities that read other files or expand without end; PaperLoop refuses it',
        fix: 'delete the <!DOCTYPE …> declaration (QTI items do not need one) and write any special characters directly or as &#NNN; references',
      },
    ]);
  const malformed = wellFormedIssue(text, file);
  if (malformed) return err([malformed]);
  const top: XChild[] = [];
  try {
    toTree(parser.parse(text), top);
  } catch (e) {
    return err([unparsableIssue(text, file, e instanceof Error ? e.message : String(e))]);
  }
  const roots = top.filter(isNode);
  const root = roots[0];
  if (!root || roots.length > 1)
    return err([issue(roots[1], `the file has ${roots.length} top-level elements`, 'a QTI item file has exactly one root element, assessmentItem or qti-assessment-item')]);
  return root.name === 'assessmentItem' ? ok(root) : err([notAnItemIssue(root, issue)]);
}

const WELL_FORMED_FIX = 'correct the XML here (every tag closed, attribute values in quotes, & written as &amp;), or export the item again';

/**
 * The parser refused a file its validator let through (`<qti-assessment-item/` with no `>`). Its messages
 * name its own functions, so say what is wrong and where, in the file's terms.
 */
function unparsableIssue(text: string, file: string, parserMessage: string): ImportIssue {
  const position = /at position (\d+)/.exec(parserMessage);
  const at = position ? lineIndex(text)(Math.min(Number(position[1]), text.length)) : { line: 1, column: undefined };
  const what = /readTagExp/.test(parserMessage) ? 'a tag starts here but never ends with >' : parserMessage.replace(/\s*Context:.*$/s, '');
  return {
    file,
    line: at.line,
    ...(at.column !== undefined ? { column: at.column } : {}),
    message: `the file is not well-formed XML at line ${at.line}${at.column !== undefined ? `, column ${at.column}` : ''}: ${what}`,
    fix: WELL_FORMED_FIX,
  };
}

function wellFormedIssue(text: string, file: string): ImportIssue | undefined {
  let valid: ReturnType<typeof XMLValidator.validate>;
  try {
    valid = XMLValidator.validate(text);
  } catch (e) {
    valid = { err: { code: 'Invalid', msg: e instanceof Error ? e.message : String(e), line: 1, col: 1 } };
  }
  if (valid === true) return undefined;
  const { msg, line, col } = valid.err;
  return {
    file,
    line: typeof line === 'number' && line > 0 ? line : 1,
    ...(typeof col === 'number' && col > 0 ? { column: col } : {}),
    message: `the file is not well-formed XML: ${msg}`,
    fix: WELL_FORMED_FIX,
  };
}

const TEST_ROOTS = ['assessmentTest', 'assessmentSection', 'manifest', 'assessmentItemRef', 'questestinterop'];

function notAnItemIssue(root: XNode, issue: Locate): ImportIssue {
  if (root.name === 'questestinterop') return issue(root, 'this is a QTI 1.2 file, which PaperLoop does not read', 'export the items as QTI 2.1, 2.2 or 3.0, or author them in JSON/CSV');
  if (TEST_ROOTS.includes(root.name))
    return issue(root, `this is a QTI ${root.name === 'manifest' ? 'content package manifest' : 'test or section'}, not a single item`, 'import the item files it refers to one by one');
  return issue(root, `the root element is <${root.name}>, not a QTI item`, 'choose a QTI 2.1/2.2 assessmentItem or QTI 3.0 qti-assessment-item file');
}

/** The item body's one supported interaction, or the issues: unsupported ones, none, or several. */
function singleInteraction(body: XNode, issue: Locate): Result<XNode, ImportIssue[]> {
  const interactions = [...descendants(body)].filter((n) => n.name.endsWith('Interaction'));
  const unsupported = interactions.filter((n) => !(SUPPORTED_QTI_INTERACTIONS as readonly string[]).includes(n.name));
  if (unsupported.length) return err(unsupported.map((n) => unsupportedIssue(n, issue)));
  const interaction = interactions[0];
  if (!interaction) return err([issue(body, 'the item has no interaction, so there is nothing to answer', 'add a choice or text-entry interaction, or author the item in JSON/CSV')]);
  if (interactions.length > 1)
    return err([issue(interactions[1], `the item has ${interactions.length} interactions; PaperLoop items have one answer each`, 'split it into one item per interaction')]);
  return ok(interaction);
}

function unsupportedIssue(n: XNode, issue: Locate): ImportIssue {
  return issue(
    n,
    `${n.name} is not supported: PaperLoop imports only choice, text-entry and extended-text interactions`,
    'author this question as a PaperLoop item in JSON or CSV (for example single_choice, numeric or open)',
    n.name,
  );
}

function responseDeclaration(root: XNode, interaction: XNode, issue: Locate): Result<XNode, ImportIssue[]> {
  const responseId = interaction.attrs.responseIdentifier;
  const declaration = children(root, 'responseDeclaration').find((d) => d.attrs.identifier === responseId);
  return declaration
    ? ok(declaration)
    : err([issue(interaction, `there is no responseDeclaration with identifier ${quote(responseId ?? '')}`, 'export the item again; the interaction must have a matching responseDeclaration', interaction.name)]);
}

/** The correct response's values, or else the mapping's keys with a positive value. */
function correctValues(declaration: XNode): string[] {
  const correct = child(declaration, 'correctResponse');
  const fromCorrect = correct
    ? children(correct, 'value')
        .map((vn) => tidy(rawText(vn, { unprintable: [] })))
        .filter((s) => s !== '')
    : [];
  if (fromCorrect.length) return fromCorrect;
  const mapping = child(declaration, 'mapping');
  return mapping
    ? children(mapping, 'mapEntry')
        .filter((m) => Number(m.attrs.mappedValue) > 0)
        .map((m) => (m.attrs.mapKey ?? '').trim())
        .filter((s) => s !== '')
    : [];
}

const noAnswerIssue = (declaration: XNode, issue: Locate) =>
  issue(declaration, 'the item has no correct response and no positive mapping, so it cannot be marked', 'add a correctResponse to the QTI, or author the item in JSON/CSV with its answer');

/** Body text with each interaction's prompt on its own lines; the title when there is no text. */
function stemWithPrompt({ body, unprintable, title }: ContentContext): string {
  const stem = tidy(rawText(body, { unprintable, onInteraction: (n) => `\n${rawText(child(n, 'prompt') ?? { ...n, children: [] }, { unprintable })}\n` }));
  return stem === '' ? title : stem;
}

function interactionContent(context: ContentContext): Content {
  const name = context.interaction.name as (typeof SUPPORTED_QTI_INTERACTIONS)[number];
  switch (name) {
    case 'choiceInteraction':
      return choiceContent(context);
    case 'textEntryInteraction':
      return textEntryContent(context);
    case 'extendedTextInteraction':
      return extendedTextContent(context);
    default:
      return throwIllegalValue(name, 'interaction');
  }
}

/** Millimetres of answer space per expected line of an essay. */
const MM_PER_EXPECTED_LINE = 8;

/**
 * An essay becomes an open item the teacher scores on paper: its maximum is the SCORE outcome's
 * normal maximum (or the MAXSCORE default value, else 1), its space follows the expected lines,
 * and a scoring rubric block becomes the rubric.
 */
function extendedTextContent(context: ContentContext): Content {
  const { root, interaction, lang } = context;
  const outcome = (id: string) => children(root, 'outcomeDeclaration').find((d) => d.attrs.identifier === id);
  const maxScoreText = outcome('SCORE')?.attrs.normalMaximum ?? defaultValue(outcome('MAXSCORE')) ?? '1';
  const lines = Number(interaction.attrs.expectedLines);
  const rubricBlock = [...descendants(context.body)].find((n) => n.name === 'rubricBlock' && (n.attrs.use ?? 'scoring') === 'scoring');
  const rubric = rubricBlock ? tidy(rawText(rubricBlock, { unprintable: [] })) : '';
  const candidate = {
    type: 'open',
    maxScore: Number(maxScoreText),
    ...(Number.isInteger(lines) && lines > 0 ? { spaceMm: Math.min(200, Math.max(10, lines * MM_PER_EXPECTED_LINE)) } : {}),
    ...(rubric ? { rubric: { [lang]: rubric } } : {}),
  };
  return { stem: stemWithPrompt(context), candidate, optionKeys: {}, issues: [] };
}

/** The text of an outcome declaration's default value, if it has one. */
function defaultValue(declaration: XNode | undefined): string | undefined {
  const value = declaration && child(child(declaration, 'defaultValue') ?? declaration, 'value');
  return value ? tidy(rawText(value, { unprintable: [] })) : undefined;
}

function choiceContent(context: ContentContext): Content {
  const { interaction, declaration, lang, unprintable, issue } = context;
  const issues: ImportIssue[] = [];
  const optionKeys: Record<string, string> = {};
  const stem = stemWithPrompt(context);
  const choices = [...descendants(interaction)].filter((n) => n.name === 'simpleChoice');
  if (choices.length > OPTION_KEYS.length)
    issues.push(issue(choices[OPTION_KEYS.length], `the interaction has ${choices.length} choices but a paper item has at most ${OPTION_KEYS.length} (A–H)`, 'remove choices, or split the question'));
  if (choices.length < 2) issues.push(issue(interaction, `the interaction has ${choices.length} choice${choices.length === 1 ? '' : 's'}; at least 2 are needed`, 'add choices'));
  const options = choices.slice(0, OPTION_KEYS.length).map((c, i) => {
    const key = OPTION_KEYS[i] ?? 'H';
    const cid = c.attrs.identifier ?? '';
    if (cid in optionKeys) issues.push(issue(c, `two choices have the identifier ${quote(cid)}`, 'give every choice its own identifier'));
    else optionKeys[cid] = key;
    const t = tidy(rawText(c, { unprintable }));
    if (t === '') issues.push(issue(c, `choice ${quote(cid)} has no text`, 'write the choice as text; pictures are not imported'));
    return { key, text: { [lang]: t } };
  });
  const cardinality = declaration.attrs.cardinality;
  const maxChoices = interaction.attrs.maxChoices ?? '1';
  const multiple = cardinality ? cardinality !== 'single' : maxChoices !== '1';
  const values = correctValues(declaration);
  const answers: string[] = [];
  for (const value of values) {
    const key = optionKeys[value];
    if (key === undefined) issues.push(issue(declaration, `the correct response ${quote(value)} is not one of the choices`, `use one of the choice identifiers: ${Object.keys(optionKeys).join(', ')}`));
    else if (!answers.includes(key)) answers.push(key);
  }
  if (!values.length) issues.push(noAnswerIssue(declaration, issue));
  if (!multiple && answers.length > 1)
    issues.push(issue(declaration, `${answers.length} answers are correct but the interaction allows one choice`, 'mark one correct response, or make the interaction allow several choices'));
  const candidate = multiple ? { type: 'multiple_choice', options, answer: answers } : { type: 'single_choice', options, answer: answers[0] };
  return { stem, candidate, optionKeys, issues };
}

function textEntryContent({ body, interaction, declaration, unprintable, title, issue }: ContentContext): Content {
  const issues: ImportIssue[] = [];
  const blank = '____';
  let stem = tidy(rawText(body, { unprintable, onInteraction: () => blank }));
  // a bare blank with no words around it: the title is the only question text there is
  if (stem.replace(blank, '').trim() === '') stem = title ? `${title}\n${blank}` : '';
  const answers = [...new Set(correctValues(declaration))];
  if (!answers.length) issues.push(noAnswerIssue(declaration, issue));
  const longest = Math.max(0, ...answers.map((a) => Array.from(a).length));
  const expected = Number(interaction.attrs.expectedLength);
  const boxes = Math.min(12, Math.max(longest, Number.isInteger(expected) && expected > 0 ? expected : longest));
  return { stem, candidate: { type: 'short_text', answer: answers, boxes: Math.max(1, boxes) }, optionKeys: {}, issues };
}

const FROM_DEFAULTS = new Set(['subject', 'grade', 'skills', 'tier', 'minutes', 'points', 'difficulty', 'id']);

/** The PaperLoop item, checked by its schema and the item checks; problems are placed on the defaults, the root or the interaction. */
function checkedItem({ id, defaults, lang, content }: { id: string; defaults: QtiDefaults; lang: string; content: Content }, { root, interaction, issue }: ContentContext): Result<ItemInput, ImportIssue[]> {
  const item = {
    id,
    subject: defaults.subject,
    grade: defaults.grade,
    skills: defaults.skills,
    tier: defaults.tier,
    minutes: defaults.minutes,
    ...(defaults.points !== undefined ? { points: defaults.points } : {}),
    ...(defaults.difficulty !== undefined ? { difficulty: defaults.difficulty } : {}),
    stem: { [lang]: content.stem },
    ...content.candidate,
  };
  const parsed = ItemInput.safeParse(item);
  if (!parsed.success) {
    const out: ImportIssue[] = [];
    let languageReported = false;
    for (const p of describeZodIssues(parsed.error.issues, item, 'json')) {
      const head = String(p.path[0] ?? '');
      if ((head === 'stem' || head === 'options') && /language code/.test(p.message)) {
        if (!languageReported)
          out.push(issue(root, `the language ${quote(lang)} is not a language code like "en" or "zh"`, 'correct the language in the import defaults', 'defaults.language'));
        languageReported = true;
      } else if (FROM_DEFAULTS.has(head))
        out.push(issue(root, p.message, head === 'id' && !defaults.id ? 'pass an id in the import defaults' : `correct the import defaults (${head})`, `defaults.${p.path.join('.')}`));
      else out.push(issue(interaction, p.message, p.fix, p.path.join('.')));
    }
    return err(out);
  }
  const problems = checkItem(parsed.data);
  return problems.length ? err(problems.map((p) => issue(interaction, p.message, p.fix, p.path.join('.')))) : ok(parsed.data);
}
