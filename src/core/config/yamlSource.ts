// The YAML text with its node ranges, so any path in the config can be turned back into the
// line and column a person has to look at.

import { Document, LineCounter, isAlias, isMap, isNode, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Alias, Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { printable } from '../printable';
import type { ConfigError } from './errors';
import { formatPath } from './configPath';
import type { ConfigIssue, ConfigPath, PathSegment } from './configPath';

type Range = readonly [number, number];

/** YAML errors after which the tree still says what the author meant (the later key wins). */
const TRUSTWORTHY_YAML_ERRORS = new Set(['DUPLICATE_KEY']);

export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();
  /** The plain data, or undefined when the YAML cannot be turned into data. */
  readonly data: unknown;
  /** YAML-level problems: syntax, tabs as indentation, duplicate keys. */
  readonly yamlErrors: ConfigError[] = [];
  /** False when the YAML errors make the tree unreliable, so checking its shape would mislead. */
  readonly treeIsReliable: boolean;

  constructor(
    private readonly text: string,
    readonly file: string,
  ) {
    // uniqueKeys off: the yaml package checks each key against every earlier key of its mapping
    // (quadratic: 27 s for a 5 MB config with 5,000 environments); duplicateKeys does it in one pass.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: false, merge: true });
    // A tab in the indentation derails the parser; the errors after it are echoes of the tab.
    const tabs = this.doc.errors.filter((e) => e.code === 'TAB_AS_INDENT');
    const reported = tabs.length > 0 ? tabs : inOrder([...this.doc.errors, ...this.doc.warnings], duplicateKeys(this.doc));
    const unclosed = tabs.length > 0 ? [] : this.unclosedFlowCollections();
    for (const error of reported) {
      const [start, end] = error.pos;
      // The parser notices an unclosed { or [ only where the indentation ends it, often lines
      // later; the place to fix is the opener, so the error points there.
      const opener = /^Flow (map|sequence) in block collection/.test(error.message)
        ? takeInnermost(unclosed, error.message.startsWith('Flow map') ? '{' : '[', start) : undefined;
      if (opener?.range) {
        const at = opener.range[0];
        const closer = opener.flow && isMap(opener) ? '}' : ']';
        this.yamlErrors.push(this.errorAt(this.pathAtOffset(at, false), `YAML syntax error: this ${closer === '}' ? '{' : '['} is never closed (a flow ${closer === '}' ? 'map' : 'sequence'} ends with ${closer})`, [at, at + 1]));
        continue;
      }
      const message = yamlMessage(error.code, error.message);
      this.yamlErrors.push(this.errorAt(this.pathAtOffset(start, error.code === 'DUPLICATE_KEY'), message, [start, Math.max(end, start + 1)]));
    }
    let reliable = this.doc.errors.every((e) => TRUSTWORTHY_YAML_ERRORS.has(e.code));
    // An alias without an anchor before it: reported at the alias, not as a whole-file error.
    const dangling = this.danglingAliases();
    for (const alias of dangling) {
      const [start, end] = alias.range ?? [0, 1];
      this.yamlErrors.push(this.errorAt(this.pathAtOffset(start, false), `undefined alias *${alias.source}: no anchor &${alias.source} is set before it`, [start, end]));
    }
    let data: unknown;
    if (dangling.length > 0) reliable = false;
    else {
      try {
        data = this.doc.toJS({ maxAliasCount: 100 });
      } catch (error) {
        reliable = false;
        this.yamlErrors.push(this.errorAt([], (error as Error).message, [0, 1]));
      }
    }
    this.data = data;
    this.treeIsReliable = reliable;
  }

  /** Pins an issue to the node its path names (or the nearest node that exists). */
  locate(issue: ConfigIssue): ConfigError {
    return this.locateAll(issue)[0];
  }

  /**
   * Pins an issue to the node its path names; when the path goes through a merge key
   * (`<<: *base`), also to the place it is merged, since either may be the one to change.
   */
  locateAll(issue: ConfigIssue): ConfigError[] {
    const { node, keyNode, mergedAt } = this.nodeAt(issue.path);
    // A block mapping or list spans many lines; its key is the small, telling place to point at.
    const isBlockCollection = (isMap(node) || isSeq(node)) && !node.flow;
    const target = keyNode && (issue.at === 'key' || isBlockCollection) ? keyNode : node;
    const range: Range = target?.range ? [target.range[0], target.range[1]] : [0, 0];
    if (!mergedAt?.range) return [this.errorAt(issue.path, issue.message, range)];
    const mergeLine = this.lines.linePos(mergedAt.range[0]).line;
    const writtenLine = this.lines.linePos(range[0]).line;
    return [
      this.errorAt(issue.path, `${issue.message} (written here, merged at line ${mergeLine})`, range),
      this.errorAt(issue.path, `${issue.message} (merged here from line ${writtenLine})`, [mergedAt.range[0], mergedAt.range[1]]),
    ];
  }

  private errorAt(path: ConfigPath, rawMessage: string, [start, end]: Range): ConfigError {
    // Messages quote values from the file: a control character there must not reach a terminal.
    const message = printable(rawMessage).replace(/\n/g, '\\n');
    const startPos = this.lines.linePos(Math.min(start, this.text.length));
    const endPos = this.lines.linePos(Math.min(Math.max(end, start), this.text.length));
    return {
      path: formatPath(path),
      message,
      file: this.file,
      line: startPos.line,
      column: startPos.col,
      endLine: endPos.line,
      endColumn: endPos.col,
      offset: start,
      endOffset: Math.max(end, start),
    };
  }

  /**
   * Walks the path as far as the document goes; returns that node, under a map its key, and the
   * first merge (`<<: *alias`) the walk went through.
   */
  private nodeAt(path: ConfigPath): { node?: Node; keyNode?: Node; mergedAt?: Node } {
    let node: Node | undefined = this.deref(this.doc.contents ?? undefined);
    let keyNode: Node | undefined;
    let mergedAt: Node | undefined;
    for (const segment of path) {
      const step = this.child(node, segment);
      if (!step) return { node, keyNode: undefined, mergedAt };
      node = step.value ?? step.key ?? node;
      keyNode = step.key;
      mergedAt ??= step.mergedAt;
    }
    return { node, keyNode, mergedAt };
  }

  private child(node: Node | undefined, segment: PathSegment, depth = 0): { key?: Node; value?: Node; mergedAt?: Node } | undefined {
    if (isMap(node)) {
      // The last pair with the key is the one the data came from (a duplicate key's later value wins).
      const pair = [...node.items].reverse().find((p) => keyText(p) !== '<<' && keyText(p) === String(segment));
      if (pair) return { key: isNode(pair.key) ? pair.key : undefined, value: this.deref(isNode(pair.value) ? pair.value : undefined) ?? undefined };
      // Not written here: it may come from a merge key, whose first source with the key wins.
      if (depth > 10) return undefined;
      for (const merge of node.items.filter((p) => keyText(p) === '<<')) {
        const sources: unknown[] = isSeq(merge.value) ? merge.value.items : [merge.value];
        for (const source of sources) {
          if (!isNode(source)) continue;
          const found = this.child(this.deref(source), segment, depth + 1);
          if (found) return { ...found, mergedAt: source };
        }
      }
      return undefined;
    }
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      return isNode(item) ? { value: this.deref(item) } : undefined;
    }
    return undefined;
  }

  private deref(node: Node | undefined | null): Node | undefined {
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return target ?? node;
    }
    return node ?? undefined;
  }

  /**
   * The path of the innermost node at an offset: where a YAML error is. An error right at the end
   * of a node belongs to that node, not to the one after it; and an error at the end of a flow
   * collection (`{ a: 1` never closed) is about the collection, not its last item.
   */
  private pathAtOffset(offset: number, preferKey: boolean): PathSegment[] {
    const path: PathSegment[] = [];
    let node: Node | undefined = this.doc.contents ?? undefined;
    for (;;) {
      if (isMap(node)) {
        const pair = preferKey
          ? node.items.find((p) => isNode(p.key) && p.key.range?.[0] === offset) ?? containing(node.items, offset)
          : containing(node.items, offset);
        if (!pair) return path;
        const value = isNode(pair.value) ? pair.value : undefined;
        const atEnd = !preferKey && offset >= pairEnd(pair);
        if (atEnd && (isScalar(value) || !value)) return path;
        path.push(keyText(pair));
        if (atEnd && isFlowCollection(value)) return path;
        node = value;
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => isNode(item) && item.range && item.range[0] <= offset && offset <= item.range[2]);
        if (index < 0) return path;
        const item = node.items[index] as Node;
        const atEnd = offset >= (item.range?.[2] ?? 0);
        if (atEnd && isScalar(item)) return path;
        path.push(index);
        if (atEnd && isFlowCollection(item)) return path;
        node = item;
      } else {
        return path;
      }
    }
  }

  /** Flow maps and sequences whose text does not end with their closer, outermost first. */
  private unclosedFlowCollections(): Array<YAMLMap | YAMLSeq> {
    const found: Array<YAMLMap | YAMLSeq> = [];
    const check = (node: YAMLMap | YAMLSeq, closer: string) => {
      if (node.flow && node.range && !this.text.slice(node.range[0], node.range[1]).trimEnd().endsWith(closer)) found.push(node);
    };
    visit(this.doc, { Map: (_, node) => check(node, '}'), Seq: (_, node) => check(node, ']') });
    return found;
  }

  private danglingAliases(): Alias[] {
    const found: Alias[] = [];
    visit(this.doc, { Alias: (_, node) => { if (!node.resolve(this.doc)) found.push(node); } });
    return found;
  }
}

interface YamlProblem { code: string; message: string; pos: [number, number] }

/**
 * Keys that appear earlier in the same mapping, as the yaml package's uniqueKeys reports them
 * (same scalar value, compared with ===; at the later key's start), with a Set per mapping.
 */
function duplicateKeys(doc: Document): YamlProblem[] {
  const found: YamlProblem[] = [];
  visit(doc, {
    Map: (_, map) => {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue; // only the very same node could equal a collection key
        // NaN !== NaN: the yaml package never calls two .nan keys the same, but a Set would.
        if (typeof key.value === 'number' && Number.isNaN(key.value)) continue;
        if (seen.has(key.value)) {
          const at = key.range?.[0] ?? 0;
          found.push({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', pos: [at, at + 1] });
        } else {
          seen.add(key.value);
        }
      }
    },
  });
  // visit goes outer mapping first; the parser reported in text order.
  return found.sort((a, b) => a.pos[0] - b.pos[0]);
}

/** The parser's problems with the duplicate keys put where the parser would have reported them. */
function inOrder(parsed: YamlProblem[], duplicates: YamlProblem[]): YamlProblem[] {
  if (!duplicates.length) return parsed;
  const out: YamlProblem[] = [];
  let d = 0;
  for (const problem of parsed) {
    while (d < duplicates.length && duplicates[d].pos[0] <= problem.pos[0]) out.push(duplicates[d++]);
    out.push(problem);
  }
  return [...out, ...duplicates.slice(d)];
}

/** The innermost unclosed collection of a kind that opens before `offset`; removed from the list. */
function takeInnermost(unclosed: Array<YAMLMap | YAMLSeq>, opener: '{' | '[', offset: number): YAMLMap | YAMLSeq | undefined {
  let best = -1;
  unclosed.forEach((node, index) => {
    const isKind = opener === '{' ? isMap(node) : isSeq(node);
    if (isKind && node.range && node.range[0] < offset && (best < 0 || node.range[0] > (unclosed[best].range?.[0] ?? 0))) best = index;
  });
  return best < 0 ? undefined : unclosed.splice(best, 1)[0];
}

function isFlowCollection(node: Node | undefined): boolean {
  return (isMap(node) || isSeq(node)) && node.flow === true;
}

function containing(pairs: Pair[], offset: number): Pair | undefined {
  return pairs.find((p) => pairStart(p) <= offset && offset <= pairEnd(p));
}

function keyText(pair: Pair): string {
  const key = pair.key;
  // With `merge: true` the yaml package reads a `<<` key as a symbol.
  if (isScalar(key)) return typeof key.value === 'symbol' ? key.value.description ?? '<<' : String(key.value);
  return String(key);
}

function pairStart(pair: Pair): number {
  return isNode(pair.key) && pair.key.range ? pair.key.range[0] : isNode(pair.value) && pair.value.range ? pair.value.range[0] : -1;
}

function pairEnd(pair: Pair): number {
  if (isNode(pair.value) && pair.value.range) return pair.value.range[2];
  return isNode(pair.key) && pair.key.range ? pair.key.range[2] : -1;
}

/** The yaml package's messages, reworded where a person needs more than the code. */
function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key: this key appears earlier in the same mapping';
    case 'TAB_AS_INDENT':
      return 'tab used for indentation: YAML indents with spaces only';
    default:
      return `YAML syntax error: ${message.split('\n')[0]}`;
  }
}
