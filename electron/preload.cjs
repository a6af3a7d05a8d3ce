'use strict';
// The renderer talks to the station through the handler map over HTTP on 127.0.0.1, as in browser mode. The preload
// adds only what a browser cannot do: the system print dialog. A sandboxed preload may require nothing but 'electron',
// so the channel name is repeated here (windowOptions.cjs PRINT_CHANNEL; tests/electron.test.ts checks they agree).
const { contextBridge, ipcRenderer } = require('electron');

const PRINT_CHANNEL = 'paperloop:print';
const versionArgument = process.argv.find((a) => a.startsWith('--paperloop-version='));

contextBridge.exposeInMainWorld(
  'paperloop',
  Object.freeze({
    shell: 'electron',
    appVersion: versionArgument ? versionArgument.slice('--paperloop-version='.length) : '',
    /** Opens the system print dialog for the page shown; resolves to { printed, reason }. Takes no arguments. */
    print: () => ipcRenderer.invoke(PRINT_CHANNEL),
  }),
);
