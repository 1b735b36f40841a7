// In-app notifications behind the "Bell" (SPEC NT-1): stored per user, delivered live to connected
// clients. Their data holds ids and codes; the client words them.
import { EventEmitter } from 'node:events';
import type { NotificationKind } from '../../app/notifications/schemas.ts';
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/client.ts';

export type NotificationData = Readonly<Record<string, string | number | null>>;

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  data: Record<string, string | number | null>;
  createdAt: string;
  read: boolean;
}

const listLimit = 50;

export class NotificationService {
  readonly #db: PrismaClient;
  readonly #clock: Clock;
  /** Emits `created` with the user id, so their live subscriptions fetch the new notification. */
  readonly events = new EventEmitter().setMaxListeners(0);

  constructor(db: PrismaClient, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async notify(userIds: readonly string[], kind: NotificationKind, data: NotificationData): Promise<void> {
    const createdAt = this.#clock.now();
    for (const userId of new Set(userIds)) {
      await this.#db.notification.create({ data: { userId, kind, data: JSON.stringify(data), createdAt }, select: { id: true } });
      this.events.emit('created', userId);
    }
  }

  async list(userId: string): Promise<{ unread: number; items: NotificationView[] }> {
    const [unread, rows] = await Promise.all([
      this.#db.notification.count({ where: { userId, readAt: null } }),
      this.#db.notification.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, take: listLimit }),
    ]);
    return {
      unread,
      items: rows.map((n) => ({ id: n.id, kind: n.kind as NotificationKind, data: JSON.parse(n.data) as NotificationView['data'], createdAt: n.createdAt.toISOString(), read: n.readAt !== null })),
    };
  }

  /** Marks the given notifications (or all) of the user read. */
  async markRead(userId: string, ids: readonly string[] | undefined): Promise<void> {
    await this.#db.notification.updateMany({ where: { userId, readAt: null, ...(ids ? { id: { in: [...ids] } } : {}) }, data: { readAt: this.#clock.now() } });
  }
}
