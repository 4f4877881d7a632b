// zigttp:log: logDebug/logInfo/logWarn/logError(message, fields?) each write
// one JSON line on stderr: {"level","ts" (ms since the epoch),"msg", ...fields}.
(function (natives) {
  "use strict";

  const { writeLine } = natives;
  const RESERVED = new Set(["level", "ts", "msg"]);

  // JSON for anything: bigints as strings, errors by name and message,
  // a value met again inside itself as "[Circular]".
  function stringify(record) {
    const open = [];
    return JSON.stringify(record, function (key, value) {
      if (typeof value === "bigint") return value.toString();
      if (value instanceof Error) return { name: value.name, message: value.message };
      if (value === null || typeof value !== "object") return value;

      while (open.length && open[open.length - 1] !== this) open.pop();
      if (open.includes(value)) return "[Circular]";
      open.push(value);
      return value;
    });
  }

  function emitter(level) {
    return function (message, fields) {
      const msg = message === undefined ? "" : String(message);
      const record = { level, ts: Date.now(), msg };
      if (fields !== null && typeof fields === "object") {
        for (const [name, value] of Object.entries(fields)) {
          if (!RESERVED.has(name)) record[name] = value;
        }
      }
      writeLine(stringify(record));
    };
  }

  return {
    logDebug: emitter("debug"),
    logInfo: emitter("info"),
    logWarn: emitter("warn"),
    logError: emitter("error"),
  };
})
