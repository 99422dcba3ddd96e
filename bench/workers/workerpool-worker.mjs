// workerpool's worker script (thread and process): registers the shared task functions.
import workerpool from "workerpool";
import { inc, processLetter, spin } from "./work.mjs";

workerpool.worker({ inc, processLetter, spin });
