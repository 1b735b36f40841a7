// The preload script: exposes the desktop bridge to the page as `window.consilium`, nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld(
  'consilium',
  createBridge((channel, arg) => ipcRenderer.invoke(channel, arg)),
);
