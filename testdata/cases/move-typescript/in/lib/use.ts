import { listSessions } from "./sessions";
import { storeSession } from "./store/sessions";
export * from "./store/sessions/index";
