// What the server says about itself (version, training mode), loaded once at start.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/index.ts';

export interface SystemInfo {
  version: string;
  training: boolean;
}

export const useSystemInfo = defineStore('system', () => {
  const info = ref<SystemInfo>();
  async function load(): Promise<void> {
    info.value = await api().system.info.query();
  }
  return { info, load };
});
