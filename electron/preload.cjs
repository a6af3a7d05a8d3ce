// The renderer talks to the station only through the handler map; in Electron it is the same HTTP API
// as browser mode, on 127.0.0.1, so nothing extra is exposed here.
const { contextBridge } = require('electron');

contextBridge.exposeInMainWorld('paperloop', { shell: 'electron' });
