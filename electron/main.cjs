'use strict';
// Electron main process: a window over the same station UI that browser mode serves. The station (handler map + HTTP
// transport on 127.0.0.1) runs in a utility process, so the window never blocks on I/O. The window's security lives in
// windowOptions.cjs (tested without the Electron binary by tests/electron.test.ts).
const { app, BrowserWindow, dialog, ipcMain, session, utilityProcess } = require('electron');
const path = require('node:path');
const { denyNewWindows, secureWindow, windowOptions } = require('./windowOptions.cjs');

let station;

/** Starts `paperloop serve` in a utility process; resolves with its one-time launch link (it signs this window in). */
function startStation() {
  // An installed app keeps its data in the user's profile; `npm start` passes PAPERLOOP_DATA (or runs in the checkout).
  const env = { ...process.env };
  if (!env.PAPERLOOP_DATA && app.isPackaged) env.PAPERLOOP_DATA = path.join(app.getPath('userData'), 'paperloop-data');
  return new Promise((resolve, reject) => {
    station = utilityProcess.fork(path.join(__dirname, '..', 'bin', 'paperloop.mjs'), ['serve', '--port', '0', '--print-url'], { stdio: 'pipe', env, serviceName: 'PaperLoop station' });
    let errors = '';
    station.stderr.on('data', (chunk) => (errors += String(chunk)));
    station.stdout.on('data', (chunk) => {
      const match = /PAPERLOOP_LAUNCH_URL=(\S+)/.exec(String(chunk));
      if (match) resolve(match[1]);
    });
    station.on('exit', (code) => reject(new Error(`the station stopped (exit code ${code}).\n${errors.trim()}`)));
  });
}

// Every web contents (the window, and anything a page might try to attach) opens no windows and attaches no webviews.
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(denyNewWindows);
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.whenReady().then(async () => {
  let launchUrl;
  try {
    launchUrl = await startStation();
  } catch (e) {
    dialog.showErrorBox('PaperLoop', `The station did not start: ${e.message}`);
    app.quit();
    return;
  }
  const win = new BrowserWindow(windowOptions({ preload: path.join(__dirname, 'preload.cjs'), appVersion: app.getVersion() }));
  secureWindow({ win, session: session.defaultSession, ipcMain, stationUrl: launchUrl });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(launchUrl);
});

app.on('window-all-closed', () => {
  station?.kill();
  app.quit();
});
