import { getSession } from "next-auth/session";
import { SessionStore } from "express-session";
import type { Session } from "@supabase/auth-js/dist/module/lib/session";
export const handlers = [getSession, SessionStore];
