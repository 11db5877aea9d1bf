import { Session, startSession } from 'my-lib';
import { SessionBadge } from '@acme/ui';

const session: Session = startSession('s-1');
console.log(SessionBadge({ id: session.id }));
