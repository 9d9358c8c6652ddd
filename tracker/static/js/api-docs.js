// The API's browsable page: Swagger UI (vendored) over /api/v1/openapi.json.
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({ url: document.body.dataset.spec, dom_id: "#swagger-ui" });
});
