"""The FastAPI test service (version 1, see rest_v1.py) with what browser usage needs: a page whose
script calls the API with fetch(), and one endpoint whose responses drift from its description
(they carry `internal_score`, which the documented `Pet` does not declare), for payload
conformance from HAR bodies recorded by headless Chromium (tests/usage_live.rs)."""
from fastapi.responses import HTMLResponse, JSONResponse

from rest_v1 import Pet, app

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>pets</title><link rel="icon" href="data:,"></head>
<body><script>
const h = {"x-client-name": new URLSearchParams(location.search).get("client") || "browser"};
Promise.all([
  fetch("/pets/1", {headers: h}).then(r => r.json()),
  fetch("/pets?limit=2", {headers: h}).then(r => r.json()),
  fetch("/pets/3/card", {headers: h}).then(r => r.json()),
]).then(() => { document.title = "done"; }, e => { document.title = "failed: " + e; });
</script></body></html>"""


@app.get("/app", include_in_schema=False)
def page() -> HTMLResponse:
    return HTMLResponse(PAGE)


@app.get("/pets/{pet_id}/card", responses={200: {"model": Pet}})
def pet_card(pet_id: int) -> JSONResponse:
    # Deliberate drift: served but not described.
    return JSONResponse({"id": pet_id, "name": "rex", "internal_score": 0.5})
