'use strict';
// The window's security, as plain data and functions. Nothing here requires 'electron', so tests check it without
// the Electron binary (which cannot be downloaded everywhere); main.cjs wires it to the real objects.

/** Only the station's own files, nothing inline, nothing from elsewhere, no framing, no plugins. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The one IPC channel: print the current page through the system's print dialog. */
const PRINT_CHANNEL = 'paperloop:print';

/** BrowserWindow options: an isolated, sandboxed renderer without Node, with the preload as its only bridge. */
function windowOptions({ preload, appVersion }) {
  return {
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 600,
    title: 'PaperLoop',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // The sandboxed preload cannot ask the main process synchronously: it reads the version from its arguments.
      additionalArguments: [`--paperloop-version=${appVersion}`],
    },
  };
}

/** Is `url` on the station's origin (scheme, host and port)? Anything unparsable is not. */
function isStationUrl(url, stationOrigin) {
  try {
    return new URL(url).origin === stationOrigin;
  } catch {
    return false;
  }
}

/** will-navigate / will-redirect: the window stays on the station. */
const blockForeignNavigation = (stationOrigin) => (event, url) => {
  if (!isStationUrl(url, stationOrigin)) event.preventDefault();
};

/** setWindowOpenHandler: no new windows, whatever the page asks. */
const denyNewWindows = () => ({ action: 'deny' });

/** setPermissionRequestHandler / setPermissionCheckHandler: camera, microphone, notifications, geolocation… all refused. */
const denyPermissionRequest = (_webContents, _permission, callback) => callback(false);
const denyPermissionCheck = () => false;

/** webRequest.onHeadersReceived: the station's answers carry the strict policy (on top of the station's own header). */
const addContentSecurityPolicy = (details, callback) =>
  callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });

/** ipcMain.handle(PRINT_CHANNEL): the system print dialog for the page that asked, when it is the station's. */
const printHandler = (stationOrigin) => (event) => {
  if (!isStationUrl(event.senderFrame?.url ?? '', stationOrigin)) return Promise.resolve({ printed: false, reason: 'not the station' });
  return new Promise((resolve) =>
    event.sender.print({ silent: false, printBackground: true }, (printed, reason) => resolve({ printed, reason: printed ? null : reason || 'cancelled' })),
  );
};

/** Wires the guards to one window, its session and the print channel. */
function secureWindow({ win, session, ipcMain, stationUrl }) {
  const origin = new URL(stationUrl).origin;
  win.webContents.on('will-navigate', blockForeignNavigation(origin));
  win.webContents.on('will-redirect', blockForeignNavigation(origin));
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(denyNewWindows);
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.webRequest.onHeadersReceived({ urls: [`${origin}/*`] }, addContentSecurityPolicy);
  ipcMain.handle(PRINT_CHANNEL, printHandler(origin));
}

module.exports = {
  CONTENT_SECURITY_POLICY,
  PRINT_CHANNEL,
  windowOptions,
  isStationUrl,
  blockForeignNavigation,
  denyNewWindows,
  denyPermissionRequest,
  denyPermissionCheck,
  addContentSecurityPolicy,
  printHandler,
  secureWindow,
};
