import Link from 'next/link';
import { useRouter } from 'next/navigation';

export function Nav() {
  const router = useRouter();
  return (
    <nav>
      <Link href="/sessions/42">Latest</Link>
      <button onClick={() => router.push('/sessions')}>All</button>
    </nav>
  );
}
