import { useSession } from '../lib/hooks';

export function Page() {
  const [session, setSession] = useSession();
  return <button onClick={() => setSession(null)}>{session}</button>;
}
