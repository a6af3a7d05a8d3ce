// Electron main process: a window over the same station UI that browser mode serves. The station
// (handler map + HTTP transport) runs in a utility process, so the window never blocks on I/O.
const { app, BrowserWindow, utilityProcess } = require('electron');
const path = require('node:path');

let station;

function startStation() {
  return new Promise((resolve, reject) => {
    station = utilityProcess.fork(path.join(__dirname, '..', 'bin', 'paperloop.mjs'), ['serve', '--port', '0', '--print-url'], { stdio: 'pipe' });
    station.stdout.on('data', (chunk) => {
      const match = /PAPERLOOP_LAUNCH_URL=(\S+)/.exec(String(chunk)); // a one-time link that signs this window in
      if (match) resolve(match[1]);
    });
    station.on('exit', (code) => reject(new Error(`station exited with ${code}`)));
  });
}

app.whenReady().then(async () => {
  const url = await startStation();
  const win = new BrowserWindow({ width: 1280, height: 860, webPreferences: { preload: path.join(__dirname, 'preload.cjs'), contextIsolation: true } });
  await win.loadURL(url);
});

app.on('window-all-closed', () => {
  station?.kill();
  app.quit();
});
