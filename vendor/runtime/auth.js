// zigttp:auth: bearer tokens, HS256 JSON Web Tokens and webhook signatures.
// jwtVerify answers a Result: { ok: true, value: claims } or
// { ok: false, error: "why" }, never a throw, so handlers branch on .ok.
(function (natives) {
  "use strict";

  const { hmac, base64urlEncode, base64urlDecode, timingSafeEqual } = natives;
  const HEADER = base64urlEncode(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const MAX_HEADER_LENGTH = 1024;

  const resultPrototype = {};
  const methods = {
    isOk() { return this.ok; },
    isErr() { return !this.ok; },
    unwrap() { return this.ok ? this.value : undefined; },
    unwrapOr(fallback) { return this.ok ? this.value : fallback; },
    unwrapErr() { return this.ok ? undefined : this.error; },
  };
  for (const [name, method] of Object.entries(methods)) {
    Object.defineProperty(resultPrototype, name, { value: method });
  }

  function ok(value) {
    return Object.assign(Object.create(resultPrototype), { ok: true, value });
  }

  function failed(error) {
    return Object.assign(Object.create(resultPrototype), { ok: false, error });
  }

  function parseBearer(header) {
    if (typeof header !== "string" || header.length <= 7) return undefined;
    if (header.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
    const token = header.slice(7).trim();
    return token === "" ? undefined : token;
  }

  function jwtSign(claims, secret) {
    if (typeof secret !== "string") return undefined;
    const text = typeof claims === "string" ? claims : JSON.stringify(claims);
    if (typeof text !== "string") return undefined;
    const signingInput = HEADER + "." + base64urlEncode(text);
    return signingInput + "." + hmac(secret, signingInput, "base64url");
  }

  function decodeJson(part) {
    const text = base64urlDecode(part);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  function checkTimes(claims) {
    const now = Math.floor(Date.now() / 1000);
    for (const name of ["exp", "nbf"]) {
      if (!(name in claims)) continue;
      const value = claims[name];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return `invalid ${name} claim`;
      }
    }
    if ("exp" in claims && now >= claims.exp) return "token expired";
    if ("nbf" in claims && now < claims.nbf) return "token not yet valid";
    return undefined;
  }

  function jwtVerify(token, secret, algorithm) {
    if (typeof token !== "string") return failed("token must be a string");
    if (typeof secret !== "string") return failed("secret must be a string");
    if (algorithm !== undefined && algorithm !== "HS256") {
      return failed("unsupported alg");
    }

    const parts = token.split(".");
    if (parts.length !== 3) return failed("invalid token format");
    const [header, payload, signature] = parts;

    // Only HS256 is accepted: a token naming another algorithm ("none") is
    // refused before its signature is even looked at.
    if (header.length > MAX_HEADER_LENGTH) return failed("jwt header too long");
    const fields = decodeJson(header);
    if (fields === null || typeof fields !== "object") return failed("invalid header");
    if (fields.alg !== "HS256") return failed("unsupported alg");

    const expected = hmac(secret, header + "." + payload, "base64url");
    if (!timingSafeEqual(signature.replace(/=+$/, ""), expected)) {
      return failed("invalid signature");
    }

    const claims = decodeJson(payload);
    if (claims === null || typeof claims !== "object" || Array.isArray(claims)) {
      return failed("invalid claims");
    }
    const problem = checkTimes(claims);
    return problem === undefined ? ok(claims) : failed(problem);
  }

  // GitHub-style signatures: hex HMAC-SHA-256 of the raw body, with or
  // without a "sha256=" prefix.
  function verifyWebhookSignature(payload, secret, signature) {
    if (typeof payload !== "string" || typeof secret !== "string") return false;
    if (typeof signature !== "string") return false;
    const given = signature.startsWith("sha256=") ? signature.slice(7) : signature;
    return timingSafeEqual(given.toLowerCase(), hmac(secret, payload, "hex"));
  }

  return { parseBearer, jwtSign, jwtVerify, verifyWebhookSignature, timingSafeEqual };
})
