import { listSessions } from "../../lib/sessions";
import { listSessions as viaAlias } from "@/lib/sessions";
jest.mock("../../lib/sessions");
const lazy = () => import("../../lib/sessions.js");
export default [listSessions, viaAlias, lazy];
