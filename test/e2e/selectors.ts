// Workbench selectors in one place: ARIA roles and labels VS Code sets for accessibility, which
// change far less between releases than its class names.
export const WORKBENCH = {
  /** The workbench has rendered its parts. */
  ready: '.monaco-workbench .part.activitybar',
  activityBarItem: (title: string) => `.part.activitybar [role="tab"][aria-label^="${title}"], .part.activitybar a[aria-label^="${title}"]`,
  /** A view's body; its header is hidden when the view is alone in its container. */
  viewPane: (name: string) => `.pane:has(.pane-header[aria-label^="${name}"]) .pane-body`,
  /** Rows of a tree view, by the view's name. */
  treeRows: (view: string) => `.pane:has(.pane-header[aria-label^="${view}"]) [role="treeitem"]`,
  /** The side bar holding the open view container. */
  sideBar: '.part.sidebar',
  quickInput: '.quick-input-widget input[type="text"]',
  quickPickRow: (label: string) => `.quick-input-list [role="option"][aria-label*="${label}"]`,
  notification: '.notifications-toasts .notification-list-item',
  /** A modal dialog's button by its label. */
  dialogButton: (label: string) => `.monaco-dialog-box .dialog-buttons a.monaco-button:has-text("${label}")`,
  dialogMessage: '.monaco-dialog-box .dialog-message-text',
  statusBarItem: (text: string) => `.part.statusbar .statusbar-item:has-text("${text}")`,
} as const;

/** The welcome content a view shows when its tree is empty (package.json viewsWelcome). */
export const welcomeButton = (view: string, label: string) =>
  `.pane:has(.pane-header[aria-label^="${view}"]) .welcome-view-content a.monaco-button:has-text("${label}")`;
