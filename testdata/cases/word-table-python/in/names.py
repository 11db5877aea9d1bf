session = open_session()
Session = make_class()
SESSION = "x"
sessions = [session]
Sessions = list
SESSIONS = 3
session_id = 1
sessionId = 2
SessionID = 3
SESSION_ID = 4
ISessionAndStats = dict
IExtendedSession = dict
def get_sessions_by_user(user): return sessions
obsession = 1
sessionmaker = 2
