import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatedApi, until, workspaceFolder } from './helpers';

// The story's lesson in the editor: a breaking migration is underlined as soon as it is opened.
describe('Blue-Green: migration diagnostics', () => {
  const folder = () => vscode.Uri.joinPath(workspaceFolder(), 'db', 'migrations');
  const file = () => vscode.Uri.joinPath(folder(), '900_drop_note.sql');

  before(async () => {
    await activatedApi();
    await vscode.workspace.fs.writeFile(file(), Buffer.from('ALTER TABLE orders ADD COLUMN gift_note text;\nALTER TABLE orders DROP COLUMN note;\n'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceFolder(), 'db'), { recursive: true });
  });

  it('marks the breaking statement as an error and the expand one as information', async () => {
    const document = await vscode.workspace.openTextDocument(file());
    await vscode.window.showTextDocument(document);
    const diagnostics = await until(() => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'bluegreen db lint');
      return found.some((d) => d.severity === vscode.DiagnosticSeverity.Error) ? found : undefined;
    }, 20_000, 'lint findings on the migration');
    const breaking = diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(breaking);
    assert.equal(breaking.range.start.line, 1, JSON.stringify(diagnostics));
    assert.match(breaking.message, /drop/i);
    assert.ok(diagnostics.every((d) => d.range.start.line !== 0 || d.severity !== vscode.DiagnosticSeverity.Error), 'adding a nullable column is not breaking');
  });
});
