import { useState } from 'react';

export function useTrace() {
  const [trace, setTrace] = useState<string | null>(null);
  return [trace, setTrace] as const;
}
