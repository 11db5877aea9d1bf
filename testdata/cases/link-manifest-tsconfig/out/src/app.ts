import { open } from "./trace";

open();
