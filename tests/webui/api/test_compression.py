"""The API's answers are left uncompressed by the pages' compression (issue 24): a client
that accepts gzip or Brotli still reads the file's version as its ETag, to send back."""

LIST = "/api/v1/applications/"


def test_a_client_accepting_compression_gets_the_version_as_etag(client, api_user,
                                                                 make_application):
    application = make_application("grant", state="submitted", title="A" * 290)
    _, token = api_user("auditor")
    answer = client.get(f"{LIST}{application.id}",
                        headers={**token, "Accept-Encoding": "gzip, deflate, br"})
    assert answer.status_code == 200
    assert answer.headers["ETag"] == f'"{application.version}"'
    assert answer.get_json()["title"] == "A" * 290
