// The project's own lint rules: the layering of docs/architecture.md, checked on the syntax tree
// (and, for calls on a transport, on the types), so a renamed variable does not slip past.
import path from 'node:path';

const CORE = `${path.sep}src${path.sep}core${path.sep}`;

/** The folder of src/core a file is in ('' for a file directly in src/core). */
function coreFolder(file) {
  const at = file.lastIndexOf(CORE);
  if (at < 0) return undefined;
  const rest = file.slice(at + CORE.length).split(path.sep);
  return rest.length > 1 ? rest[0] : '';
}

/** Folders of src/core that sit above the stages and may use them; every other one is below. */
const ABOVE_STAGES = new Set(['stages', 'rehearsal', 'history', 'live']);
/** Where shell text may be written: the builders, and the transports' own plumbing. */
const SHELL_FOLDERS = new Set(['hostCommands', 'transport']);

function importedFolder(fromFile, source) {
  if (!source.startsWith('.')) return undefined;
  return coreFolder(path.resolve(path.dirname(fromFile), source));
}

const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'nothing below the stages imports a stage (docs/architecture.md, "Layers")' },
    messages: {
      stageImport: '{{folder}} sits below the stages and must not import {{source}} (docs/architecture.md, "Layers"); move what both need below the stages',
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const folder = coreFolder(file);
    if (folder === undefined || ABOVE_STAGES.has(folder)) return {};
    const check = (node, source, typeOnly) => {
      if (typeOnly || typeof source !== 'string') return;
      if (importedFolder(file, source) === 'stages') {
        context.report({ node, messageId: 'stageImport', data: { folder: `src/core/${folder || '(root)'}`, source } });
      }
    };
    return {
      ImportDeclaration(node) {
        const typeOnly = node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
        check(node, node.source.value, typeOnly);
      },
      ExportNamedDeclaration(node) { if (node.source) check(node, node.source.value, node.exportKind === 'type'); },
      ExportAllDeclaration(node) { check(node, node.source.value, node.exportKind === 'type'); },
      ImportExpression(node) { if (node.source.type === 'Literal') check(node, node.source.value, false); },
    };
  },
};

/** Whether a TypeScript type is the engine's Transport (it has host, exec and put). */
function isTransport(type) {
  return ['host', 'exec', 'put'].every((name) => type.getProperty(name) !== undefined);
}

const hostCommandsOnly = {
  meta: {
    type: 'problem',
    docs: { description: 'shell text is built only in src/core/hostCommands (and the transports\' plumbing) and run through runHostCommand' },
    messages: {
      quote: 'shell quoting outside src/core/hostCommands: build the command there (docs/architecture.md, "Host commands")',
      builder: '{{name}}() builds a host command: call it only inside src/core/hostCommands',
      transportCall: 'a transport\'s {{method}}() is called directly: build a HostCommand in src/core/hostCommands and run it with runHostCommand/writeHostFile, so dry runs and tests see it',
      shellArgv: '`sh -c` with shell text written here: build the command in src/core/hostCommands and run its .script',
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const folder = coreFolder(file);
    if (folder === undefined || SHELL_FOLDERS.has(folder)) return {};
    const services = context.sourceCode.parserServices;
    const typed = services?.program && services.esTreeNodeToTSNodeMap;
    const checker = typed ? services.program.getTypeChecker() : undefined;
    return {
      ImportDeclaration(node) {
        for (const spec of node.specifiers) {
          const name = spec.type === 'ImportSpecifier' ? (spec.imported.name ?? spec.imported.value) : undefined;
          if (name === 'shellQuote' || name === 'shellJoin') context.report({ node: spec, messageId: 'quote' });
        }
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type === 'Identifier' && (callee.name === 'hostCommand' || callee.name === 'fileWrite')) {
          context.report({ node, messageId: 'builder', data: { name: callee.name } });
        }
        if (checker && callee.type === 'MemberExpression' && !callee.computed && (callee.property.name === 'exec' || callee.property.name === 'put')) {
          const type = checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(callee.object));
          if (isTransport(type)) context.report({ node, messageId: 'transportCall', data: { method: callee.property.name } });
        }
      },
      ArrayExpression(node) {
        const items = node.elements;
        for (let i = 0; i + 2 < items.length; i++) {
          const [a, b, c] = [items[i], items[i + 1], items[i + 2]];
          if (a?.type === 'Literal' && a.value === 'sh' && b?.type === 'Literal' && b.value === '-c' && (c?.type === 'Literal' || c?.type === 'TemplateLiteral')) {
            context.report({ node, messageId: 'shellArgv' });
          }
        }
      },
    };
  },
};

export default { rules: { layering, 'host-commands-only': hostCommandsOnly } };
