// The page: a hash router over four views (shortlist, firm, picture,
// industry chain) and the sign-in box. Every read and write goes through
// /graphql; the workbook download is /export.xlsx with the same filters.

import { Api, storeToken, storedToken } from "./gql.js";
import { fill, h } from "./dom.js";
import { loadIndustries } from "./data.js";
import { showShortlist } from "./shortlist.js";
import { showFirm } from "./firm.js";
import { showPicture, showChain } from "./picture.js";

const api = new Api("/graphql");
const context = { api, industries: [], navigate };
const main = document.getElementById("main");

function navigate(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, value);
  }
  const text = query.toString();
  const target = "#" + path + (text ? "?" + text : "");
  // Applying unchanged filters fires no hashchange, so the view reloads here.
  if (location.hash === target) {
    route();
  } else {
    location.hash = target;
  }
}

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?");
  const params = Object.fromEntries(new URLSearchParams(query));
  const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { segments, params };
}

function setActiveTab(name) {
  for (const link of document.querySelectorAll("nav.tabs a")) {
    link.classList.toggle("active", link.dataset.tab === name);
  }
}

async function route() {
  const { segments, params } = parseHash();
  const [view = "list", key] = segments;
  main.dataset.state = "loading";
  fill(main, h("p", { class: "loading" }, "正在加载……"));
  try {
    if (view === "firm" && key) {
      setActiveTab("list");
      await showFirm(main, context, key);
    } else if (view === "graph" && key) {
      setActiveTab("list");
      await showPicture(main, context, key, Number(params.depth) === 2 ? 2 : 1);
    } else if (view === "chain") {
      setActiveTab("chain");
      await showChain(main, context, params.industry || (context.industries[0] || {}).name);
    } else {
      setActiveTab("list");
      await showShortlist(main, context, params);
    }
    main.dataset.state = "ready";
  } catch (error) {
    console.error(error);
    fill(
    main,
      h("div", { class: "error", role: "alert" }, "加载失败：", error.message || String(error)),
    );
    main.dataset.state = "error";
  }
}

function renderSignIn(problem = "") {
  const box = document.getElementById("signin");
  if (storedToken()) {
    box.replaceChildren(
      h("span", { class: "signed-in" }, "已登录（令牌保存在本次会话中）"),
      h(
        "button",
        {
          type: "button",
          id: "signout",
          onclick: () => {
            storeToken("");
            renderSignIn();
          },
        },
        "退出",
      ),
    );
    return;
  }
  const input = h("input", {
    type: "password",
    id: "token",
    placeholder: "访问令牌",
    autocomplete: "off",
    "aria-label": "访问令牌",
  });
  const form = h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        if (!input.value.trim()) return;
        storeToken(input.value.trim());
        renderSignIn();
        // A server that requires a token for reads could not be read before.
        if (!api.types) start();
      },
    },
    input,
    h("button", { type: "submit", id: "signin-button" }, "登录"),
  );
  box.replaceChildren(form);
  if (problem) box.prepend(h("span", { class: "signin-problem", role: "alert" }, problem));
}

async function start() {
  try {
    await api.loadSchema();
    context.industries = await loadIndustries(api);
  } catch (error) {
    api.types = null;
    let hint = "";
    if (error.code === "UNAUTHENTICATED") hint = "本服务器要求登录后查看，请在右上角输入访问令牌。";
    if (error.code === "GRAPHQL_VALIDATION_FAILED") hint = "本页需要 GraphQL 内省查询，请确认服务器未关闭内省（BLUECARBON_API_INTROSPECTION）。";
    fill(main, h("div", { class: "error", role: "alert" }, "无法读取 GraphQL 接口：", error.message, h("br"), hint));
    main.dataset.state = "error";
    return;
  }
  await route();
}

api.onTokenRejected = (message) => renderSignIn("令牌无效，已退出登录：" + message);
renderSignIn();
window.addEventListener("hashchange", () => {
  if (api.types) route();
});
start();
