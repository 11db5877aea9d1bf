import { openDB, DBSchema } from 'idb';

interface CacheDB extends DBSchema {
  sessions: { key: string; value: { sessionId: string; startedAt: number } };
}

export async function cachedTrace(traceId: string) {
  const db = await openDB<CacheDB>('cache', 1, {
    upgrade(d) {
      d.createObjectStore('sessions');
    },
  });
  return db.get('sessions', traceId);
}
