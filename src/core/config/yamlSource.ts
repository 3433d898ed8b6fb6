// The YAML text with its node ranges, so any path in the config can be turned back into the
// line and column a person has to look at.

import { Document, LineCounter, isAlias, isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Pair } from 'yaml';
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
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true, merge: true });
    // A tab in the indentation derails the parser; the errors after it are echoes of the tab.
    const tabs = this.doc.errors.filter((e) => e.code === 'TAB_AS_INDENT');
    const reported = tabs.length > 0 ? tabs : [...this.doc.errors, ...this.doc.warnings];
    for (const error of reported) {
      const [start, end] = error.pos;
      const message = yamlMessage(error.code, error.message);
      this.yamlErrors.push(this.errorAt(this.pathAtOffset(start, error.code === 'DUPLICATE_KEY'), message, [start, Math.max(end, start + 1)]));
    }
    let reliable = this.doc.errors.every((e) => TRUSTWORTHY_YAML_ERRORS.has(e.code));
    let data: unknown;
    try {
      data = this.doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      reliable = false;
      this.yamlErrors.push(this.errorAt([], (error as Error).message, [0, 1]));
    }
    this.data = data;
    this.treeIsReliable = reliable;
  }

  /** Pins an issue to the node its path names (or the nearest node that exists). */
  locate(issue: ConfigIssue): ConfigError {
    const { node, keyNode } = this.nodeAt(issue.path);
    // A block mapping or list spans many lines; its key is the small, telling place to point at.
    const isBlockCollection = (isMap(node) || isSeq(node)) && !node.flow;
    const target = keyNode && (issue.at === 'key' || isBlockCollection) ? keyNode : node;
    const range: Range = target?.range ? [target.range[0], target.range[1]] : [0, 0];
    return this.errorAt(issue.path, issue.message, range);
  }

  private errorAt(path: ConfigPath, message: string, [start, end]: Range): ConfigError {
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

  /** Walks the path as far as the document goes; returns that node and, under a map, its key. */
  private nodeAt(path: ConfigPath): { node?: Node; keyNode?: Node } {
    let node: Node | undefined = this.deref(this.doc.contents ?? undefined);
    let keyNode: Node | undefined;
    for (const segment of path) {
      const step = this.child(node, segment);
      if (!step) return { node, keyNode: undefined };
      node = step.value ?? step.key ?? node;
      keyNode = step.key;
    }
    return { node, keyNode };
  }

  private child(node: Node | undefined, segment: PathSegment): { key?: Node; value?: Node } | undefined {
    if (isMap(node)) {
      // The last pair with the key is the one the data came from (a duplicate key's later value wins).
      const pair = [...node.items].reverse().find((p) => keyText(p) === String(segment));
      if (!pair) return undefined;
      return { key: isNode(pair.key) ? pair.key : undefined, value: this.deref(isNode(pair.value) ? pair.value : undefined) ?? undefined };
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
}

function isFlowCollection(node: Node | undefined): boolean {
  return (isMap(node) || isSeq(node)) && node.flow === true;
}

function containing(pairs: Pair[], offset: number): Pair | undefined {
  return pairs.find((p) => pairStart(p) <= offset && offset <= pairEnd(p));
}

function keyText(pair: Pair): string {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
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
