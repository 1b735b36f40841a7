// Locks the workstation after a period without keyboard or pointer activity (SPEC ID-8): the screen
// shows only the lock page, and the screens holding patient data are closed (their data dropped).
import { onMounted, onUnmounted } from 'vue';
import { useRouter } from 'vue-router';
import { useSystemInfo } from '../shell/useSystemInfo.ts';
import { useSessionStore } from './useSessionStore.ts';

const activityEvents = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
const checkEveryMs = 5_000;

export function useIdleLock(): void {
  const router = useRouter();
  const session = useSessionStore();
  const system = useSystemInfo();
  let lastActivity = Date.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  const seen = () => {
    lastActivity = Date.now();
  };

  onMounted(() => {
    for (const event of activityEvents) window.addEventListener(event, seen, { passive: true, capture: true });
    timer = setInterval(() => {
      const limitMs = (system.info?.idleLockSeconds ?? 600) * 1000;
      if (Date.now() - lastActivity < limitMs || session.locked) return;
      session.lock(router.currentRoute.value.fullPath);
      void router.replace({ name: 'locked' });
    }, checkEveryMs);
  });

  onUnmounted(() => {
    for (const event of activityEvents) window.removeEventListener(event, seen, { capture: true });
    clearInterval(timer);
  });
}
