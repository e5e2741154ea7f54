"""A fake Mailcheck API v1: a bearer key (401 `{"message"}` otherwise), POST
`/v1/singleEmail:check` with `{"email"}` answering Mailcheck's verdict, and a 400 `{"message"}`
for an address that is not one."""

from __future__ import annotations

from tests.fakes import Answer, FakeService, Received

KEY = "mailcheck-fake-key-66"


class FakeMailcheck(FakeService):
    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return Answer(401, {"message": "Unauthorized"})
        if request.path != "/v1/singleEmail:check" or request.method != "POST":
            return Answer(404, {"message": "Not found"})
        email = str(request.json.get("email", ""))
        if "@" not in email:
            return Answer(400, {"message": "email is invalid"})
        disposable = email.endswith("@mailinator.com")
        verdict = {
            "email": email,
            "trustRate": 10 if disposable else 92,
            "mxExists": True,
            "smtpExists": True,
            "isNotDisposable": not disposable,
        }
        return Answer(200, verdict)
