// The code lists' names, releases and required credits, fetched once and shared by every picker.
import { ref } from 'vue';
import type { CodeListAbout } from '../../app/codes/schemas.ts';
import { api } from '../api/index.ts';

const lists = ref<CodeListAbout[]>();
const failed = ref(false);
let loading: Promise<void> | undefined;

/** The lists (undefined until loaded) and whether loading them failed; loads on first use. */
export function useCodeLists() {
  loading ??= api()
    .codes.about.query()
    .then((about) => {
      lists.value = about;
    })
    .catch(() => {
      failed.value = true;
      loading = undefined;
    });
  return { lists, failed };
}
