// The review badge and form of one candidate (firm and industry).

import { h, formatDate } from "./dom.js";
import { storedToken } from "./gql.js";
import { saveReview } from "./data.js";
import { REVIEW_STATUSES } from "./labels.js";

export function reviewBadge(review) {
  if (!review || !review.status) return h("span", { class: "review-status none" }, "未审核");
  const label = REVIEW_STATUSES[review.status] || review.status;
  const who = [review.author, formatDate(review.at)].filter(Boolean).join(" · ");
  return h(
    "span",
    { class: "review", title: review.note || "" },
    h("span", { class: `review-status ${review.status.toLowerCase()}` }, label),
    who ? h("span", { class: "review-by" }, who) : null,
  );
}

export function reviewDetails(review) {
  if (!review || !review.status) return h("p", { class: "review-details" }, "尚未审核。");
  return h(
    "p",
    { class: "review-details" },
    reviewBadge(review),
    review.note ? h("span", { class: "review-note" }, "备注：", review.note) : null,
  );
}

// A form that stores the review and then calls onSaved(review).
export function reviewForm(context, candidate, onSaved) {
  const current = candidate.review || {};
  const status = h(
    "select",
    { name: "status", class: "review-select", "aria-label": "审核结论" },
    Object.entries(REVIEW_STATUSES).map(([value, label]) =>
      h("option", { value, selected: current.status === value }, label),
    ),
  );
  const note = h("textarea", { name: "note", rows: 2, placeholder: "备注（可选）", "aria-label": "备注" });
  note.value = current.note || "";
  const message = h("span", { class: "review-message", role: "status" });
  const button = h("button", { type: "submit", class: "review-save" }, "保存审核");
  const form = h(
    "form",
    {
      class: "review-form",
      onsubmit: async (event) => {
        event.preventDefault();
        if (!storedToken()) {
          message.textContent = "请先在右上角输入访问令牌登录。";
          message.className = "review-message error";
          return;
        }
        button.disabled = true;
        message.textContent = "正在保存……";
        message.className = "review-message";
        try {
          const review = await saveReview(context.api, {
            firmKey: candidate.firmKey,
            industry: candidate.industry,
            status: status.value,
            note: note.value.trim(),
          });
          message.textContent = "已保存。";
          onSaved(review);
        } catch (error) {
          const unauthenticated = ["UNAUTHENTICATED", "FORBIDDEN"].includes(error.code);
          message.textContent = unauthenticated ? "令牌无效或无权限：" + error.message : "保存失败：" + error.message;
          message.className = "review-message error";
        } finally {
          button.disabled = false;
        }
      },
    },
    status,
    note,
    button,
    message,
  );
  return form;
}
