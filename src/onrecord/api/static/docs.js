// The API documentation page: Swagger UI (served from the package) over the app's OpenAPI schema.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") return;
  SwaggerUIBundle({ url: root.dataset.schema, dom_id: "#swagger-ui", deepLinking: true });
});
