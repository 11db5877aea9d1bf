const session = openSession();
class Session {}
const SESSION = 1;
const sessions: Session[] = [];
type Sessions = Session[];
const SESSIONS = 3;
const session_id = 1;
const sessionId = 2;
const SessionID = 3;
const SESSION_ID = 4;
interface ISessionAndStats { id: string }
interface IExtendedSession extends ISessionAndStats {}
function getSessionsByUser(user: string) { return sessions; }
const obsession = 1;
const sessionmaker = 2;
