import { useState } from 'react';

export function useSession() {
  const [session, setSession] = useState<string | null>(null);
  return [session, setSession] as const;
}
