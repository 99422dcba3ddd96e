// The task module concur, piscina and tinypool load (named exports); the code is in work.cjs.
export { inc, processLetter, spin } from "./work.cjs";
