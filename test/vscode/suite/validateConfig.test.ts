import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ValidationReport } from '../../../src/extension/commands/validateConfig';
import { activatedApi, until, workspaceFolder } from './helpers';

// `port` is a string where a number belongs: line 4, column 11 (the value).
const BROKEN = [
  'apps:',
  '  web:',
  '    health: /health',
  '    port: "3000x"',
  '    route: /',
  '    deploy: ["/opt/web/bin/deploy {{version}}"]',
  'environments:',
  '  sandbox:',
  '    docker: {}',
  '',
].join('\n');

describe('Blue-Green: Validate Config', () => {
  const brokenFile = () => vscode.Uri.joinPath(workspaceFolder(), 'broken', 'bluegreen.yaml');

  before(async () => {
    await activatedApi();
    await vscode.workspace.fs.writeFile(brokenFile(), Buffer.from(BROKEN));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceFolder(), 'broken'), { recursive: true });
  });

  it('reports the error of a broken file with line:column, in the report and the Problems', async () => {
    const report = await vscode.commands.executeCommand<ValidationReport>('bluegreen.validateConfig', brokenFile());
    assert.ok(report);
    assert.equal(report.ok, false);
    const portError = report.errors.find((e) => e.path === 'apps.web.port');
    assert.ok(portError, JSON.stringify(report.errors));
    assert.deepEqual([portError.line, portError.column], [4, 11]);
    assert.match(portError.text, /bluegreen\.yaml:4:11/);
    const diagnostics = vscode.languages.getDiagnostics(brokenFile());
    const diagnostic = diagnostics.find((d) => d.code === 'apps.web.port');
    assert.ok(diagnostic, JSON.stringify(diagnostics));
    assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character], [3, 10]);
    assert.equal(diagnostic.source, 'bluegreen');
  });

  it('says the workspace config is valid', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const report = await vscode.commands.executeCommand<ValidationReport>('bluegreen.validateConfig');
    assert.ok(report);
    assert.equal(report.ok, true, JSON.stringify(report.errors));
    assert.equal(report.file, vscode.Uri.joinPath(workspaceFolder(), 'bluegreen.yaml').fsPath);
  });

  it('marks errors while typing, before the file is saved, and clears them when fixed', async () => {
    const document = await vscode.workspace.openTextDocument(brokenFile());
    const editor = await vscode.window.showTextDocument(document);
    const fix = new vscode.Range(3, 10, 3, 17);
    assert.equal(document.getText(fix), '"3000x"');
    await editor.edit((edit) => edit.replace(fix, '3000'));
    await until(() => (vscode.languages.getDiagnostics(document.uri).some((d) => d.code === 'apps.web.port') ? undefined : true), 5000, 'the port error to clear');
    await editor.edit((edit) => edit.replace(new vscode.Range(3, 10, 3, 14), '99999'));
    const diagnostic = await until(() => vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'apps.web.port'), 5000, 'a port error while typing');
    assert.equal(diagnostic.range.start.line, 3);
    assert.equal(document.isDirty, true);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
