// What the server says about itself (version, training mode), loaded once at start.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiOutputs } from '../api/client.ts';
import { api } from '../api/index.ts';

export type SystemInfo = ApiOutputs['system']['info'];

export const useSystemInfo = defineStore('system', () => {
  const info = ref<SystemInfo>();
  async function load(): Promise<void> {
    info.value = await api().system.info.query();
  }
  return { info, load };
});
