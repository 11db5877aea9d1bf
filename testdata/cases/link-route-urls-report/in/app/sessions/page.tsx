import { Nav } from '../../components/Nav';

export default function Page() {
  return <Nav />;
}
