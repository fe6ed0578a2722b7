"""The OpenAPI document describes every endpoint with every status it answers."""

from __future__ import annotations

import re

from django.test import Client

CALLER = {"401", "422", "429"}
EXPECTED = {
    ("get", "/api/v1/projects"): {"200", *CALLER},
    ("post", "/api/v1/projects"): {"201", "400", "403", "413", "415", "503", *CALLER},
    ("get", "/api/v1/projects/{project_id}"): {"200", "404", *CALLER},
    ("delete", "/api/v1/projects/{project_id}"): {"204", "400", "403", "404", *CALLER},
    ("post", "/api/v1/projects/{project_id}/script"): {"202", "400", "403", "404", "409", *CALLER},
    ("post", "/api/v1/projects/{project_id}/renders"): {"202", "400", "402", "403", "404", "409", *CALLER},
    ("get", "/api/v1/jobs/{job_id}"): {"200", "404", *CALLER},
    ("post", "/api/v1/jobs/{job_id}/cancel"): {"200", "400", "403", "404", "409", *CALLER},
    ("get", "/api/v1/renditions/{rendition_id}/{kind}"): {"200", "206", "404", "416", *CALLER},
}


def test_the_document_lists_each_endpoint_and_its_status_codes(client: Client):
    document = client.get("/api/v1/openapi.json").json()

    found = {
        (method, path): set(operation["responses"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert found == EXPECTED
    errors = document["components"]["schemas"]
    assert "errors" in errors["FormError"]["properties"] and "detail" in errors["Error"]["required"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["ApiKeyAuth"] == {"type": "http", "scheme": "bearer"}
    form = document["paths"]["/api/v1/projects"]["post"]["requestBody"]["content"]["multipart/form-data"]
    fields = form["schema"]["properties"]
    assert fields["source_file"]["items"]["format"] == "binary"
    assert fields["aspect"]["enum"] == ["16:9", "9:16", "1:1"] and "renditions" in fields
    assert fields["about"]["maxLength"] == 3000 and "photos" in fields["about"]["description"]
    assert "about" in document["components"]["schemas"]["ProjectOut"]["required"]


def test_the_docs_page_is_served_from_our_own_files(client: Client):
    response = client.get("/api/v1/docs")

    page = response.content.decode()
    assert response.status_code == 200 and "openapi.json" in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    # works offline: every script and style from this site (a word like "cdn" may turn up in the CSRF token)
    assert not re.findall(r"""(?:src|href)=["'](?:https?:)?//""", page), page
