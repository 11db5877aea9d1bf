import { Session } from "./sessions";
export { endSession } from "../lib/sessions";
const lazy = () => import("./sessions");
const old = require("./sessions");
import { getSession } from "next-auth/react";
