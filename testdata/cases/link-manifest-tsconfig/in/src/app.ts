import { open } from "./session";

open();
