// onrecord web app: the one script. Pointing at a statement in the list
// outlines its words in the article text, and the reverse.
document.addEventListener("DOMContentLoaded", () => {
  const parts = (id) => document.querySelectorAll(`[data-statement="${CSS.escape(id)}"]`);
  const toggle = (id, on) => parts(id).forEach((el) => el.classList.toggle("active", on));
  document.querySelectorAll(".article-layout [data-statement]").forEach((el) => {
    el.addEventListener("mouseenter", () => toggle(el.dataset.statement, true));
    el.addEventListener("mouseleave", () => toggle(el.dataset.statement, false));
  });
});
