import { useTrace } from '../lib/hooks';

export function Page() {
  const [trace, setTrace] = useTrace();
  return <button onClick={() => setTrace(null)}>{trace}</button>;
}
