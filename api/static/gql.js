// GraphQL client of the page: POSTs to /graphql and builds each query from
// the schema that the server reports through introspection, so a field
// the server does not offer is left out of the query instead of failing it.

const TOKEN_KEY = "bluecarbon.token";

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function storeToken(token) {
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

const INTROSPECTION = `{
  __schema {
    queryType { name }
    mutationType { name }
    types {
      name kind
      fields { name args { name type { ...Ref } } type { ...Ref } }
      enumValues { name }
    }
  }
}
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;

function baseType(ref) {
  let type = ref;
  let list = false;
  while (type.ofType) {
    if (type.kind === "LIST") list = true;
    type = type.ofType;
  }
  if (type.kind === "LIST") list = true;
  return { name: type.name, kind: type.kind, list };
}

function typeText(ref) {
  if (ref.kind === "NON_NULL") return typeText(ref.ofType) + "!";
  if (ref.kind === "LIST") return "[" + typeText(ref.ofType) + "]";
  return ref.name;
}

export class Api {
  constructor(url = "/graphql") {
    this.url = url;
    this.types = null;
    // Called with the server's message when it rejects the stored token.
    this.onTokenRejected = null;
  }

  async request(query, variables = {}, { auth = false } = {}) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    // The token goes with every request, because a server may require it
    // for reads as well; `auth` marks requests that cannot go without it.
    const token = storedToken();
    if (auth && !token) throw new ApiError("请先在右上角登录（输入访问令牌）。", "UNAUTHENTICATED");
    if (token) headers.Authorization = "Bearer " + token;
    let response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new ApiError("无法连接服务器：" + error.message, "NETWORK");
    }
    let payload;
    try {
      payload = await response.json();
    } catch (error) {
      throw new ApiError(`服务器返回了无法解析的内容（HTTP ${response.status}）`, "BAD_RESPONSE");
    }
    if (payload.errors && payload.errors.length) {
      const first = payload.errors[0];
      const code = (first.extensions && first.extensions.code) || "ERROR";
      if (code === "UNAUTHENTICATED" && token) {
        // The server rejects a request with an invalid token even where a
        // request without one would pass, so the token is forgotten and a
        // read is sent once more without it.
        storeToken("");
        if (this.onTokenRejected) this.onTokenRejected(first.message);
        if (!auth) return this.request(query, variables, { auth });
      }
      throw new ApiError(first.message, code);
    }
    if (!response.ok) {
      throw new ApiError(`服务器错误（HTTP ${response.status}）`, "HTTP_" + response.status);
    }
    return payload.data;
  }

  // NOTE: a server started with BLUECARBON_API_INTROSPECTION=false rejects
  // this query, and the page then shows an error instead of its views.
  async loadSchema() {
    if (this.types) return;
    const data = await this.request(INTROSPECTION);
    const schema = data.__schema;
    this.types = new Map();
    for (const type of schema.types) {
      const fields = new Map();
      for (const field of type.fields || []) fields.set(field.name, field);
      this.types.set(type.name, { kind: type.kind, fields, enumValues: (type.enumValues || []).map((v) => v.name) });
    }
    this.queryType = schema.queryType.name;
    this.mutationType = schema.mutationType ? schema.mutationType.name : null;
  }

  field(typeName, fieldName) {
    const type = this.types.get(typeName);
    return type ? type.fields.get(fieldName) || null : null;
  }

  hasQuery(fieldName) {
    return Boolean(this.field(this.queryType, fieldName));
  }

  hasMutation(fieldName) {
    return Boolean(this.mutationType && this.field(this.mutationType, fieldName));
  }

  argNames(typeName, fieldName) {
    const field = this.field(typeName, fieldName);
    return field ? field.args.map((arg) => arg.name) : [];
  }

  resultType(typeName, fieldName) {
    const field = this.field(typeName, fieldName);
    return field ? baseType(field.type) : null;
  }

  enumValues(typeName) {
    const type = this.types.get(typeName);
    return type ? type.enumValues : [];
  }

  // True when the root field returns a Relay connection (a type with edges).
  isConnection(fieldName) {
    const result = this.resultType(this.queryType, fieldName);
    return Boolean(result && this.field(result.name, "edges"));
  }

  // Return the selection set of `spec` that type `typeName` offers. A spec
  // maps field names to true (a leaf) or to a nested spec (an object).
  // A nested spec on a scalar field selects the scalar, so one spec serves
  // both `version: String` and `version: DocumentVersion`.
  //
  // Two forms of key extend this: "field(arg: value)" passes literal
  // arguments, and "... on Type" selects the spec's fields on that
  // implementation of an interface.
  select(typeName, spec) {
    const type = this.types.get(typeName);
    if (!type) return "";
    const parts = [];
    for (const [key, sub] of Object.entries(spec)) {
      if (key === "__typename") {
        parts.push(key);
        continue;
      }
      const fragment = /^\.\.\. on (\w+)$/.exec(key);
      if (fragment) {
        const inner = this.types.has(fragment[1]) ? this.select(fragment[1], sub) : "";
        if (inner) parts.push(`${key} { ${inner} }`);
        continue;
      }
      const name = key.split("(")[0].trim();
      const field = type.fields.get(name);
      if (!field) continue;
      // Literal arguments the field does not take are dropped with the
      // parentheses, so the field is still selected with its defaults.
      const argNames = [...key.slice(name.length).matchAll(/(\w+)\s*:/g)].map((m) => m[1]);
      const literal = argNames.length > 0 && argNames.every((n) => field.args.some((arg) => arg.name === n));
      if (!literal && field.args.some((arg) => arg.type.kind === "NON_NULL")) continue;
      const base = baseType(field.type);
      const leaf = base.kind === "SCALAR" || base.kind === "ENUM";
      if (leaf) {
        parts.push(literal ? key : name);
      } else if (sub && typeof sub === "object") {
        const inner = this.select(base.name, sub);
        if (inner) parts.push(`${literal ? key : name} { ${inner} }`);
      }
    }
    return parts.join(" ");
  }

  // Build `alias: field(arg: $var ...) { selection }` and the variable
  // definitions for the arguments that the field accepts and that have a
  // value. Arguments the server does not know are dropped and returned.
  call(parentType, fieldName, args, spec, { alias = null, prefix = "" } = {}) {
    const field = this.field(parentType, fieldName);
    if (!field) throw new ApiError(`服务器的 GraphQL 接口没有 ${fieldName} 字段`, "MISSING_FIELD");
    const definitions = [];
    const passed = [];
    const variables = {};
    const dropped = [];
    for (const [name, value] of Object.entries(args)) {
      if (value === undefined || value === null || value === "") continue;
      const arg = field.args.find((a) => a.name === name);
      if (!arg) {
        dropped.push(name);
        continue;
      }
      const variable = prefix + name;
      definitions.push(`$${variable}: ${typeText(arg.type)}`);
      passed.push(`${name}: $${variable}`);
      variables[variable] = value;
    }
    const base = baseType(field.type);
    const inner = base.kind === "SCALAR" || base.kind === "ENUM" ? "" : ` { ${this.select(base.name, spec)} }`;
    const head = (alias ? alias + ": " : "") + fieldName + (passed.length ? `(${passed.join(", ")})` : "");
    return { text: head + inner, definitions, variables, dropped };
  }

  // Run one or more root-field calls (from `call`) as one request.
  async run(calls, { mutation = false, auth = false } = {}) {
    const definitions = calls.flatMap((c) => c.definitions);
    const variables = Object.assign({}, ...calls.map((c) => c.variables));
    const operation = mutation ? "mutation" : "query";
    const head = definitions.length ? `${operation} (${definitions.join(", ")})` : operation;
    const query = `${head} { ${calls.map((c) => c.text).join(" ")} }`;
    return this.request(query, variables, { auth });
  }
}
