"""``vclient secrets set``: puts the stack's two user secrets in place through boto3.

    vclient secrets set voximplant KEY.json --stack NAME [--region R]
    vclient secrets set openai --stack NAME [--region R] < key.txt      (or typed, hidden)

The Voximplant key file is checked (it must parse and its private key must load) before it is
stored exactly as issued. The OpenAI key is read from stdin, never from the command line (argv
shows up in shell history and process lists), and stored as ``{"api_key": "..."}``. Values are
never printed. ``--prefix``/``--aws-endpoint`` address a stack by hand (the local one).
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Any

from vclient.dal.voximplant import parse_credentials
from vclient_dev.doctor import DoctorError, aws_session

SECRET_NAMES = {"voximplant": "voximplant-credentials", "openai": "openai-api-key"}
OUTPUTS = {"voximplant": "VoximplantCredentialsSecretArn", "openai": "OpenAiApiKeySecretArn"}


class SecretsError(Exception):
    pass


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="secrets_command", required=True)
    put = sub.add_parser("set", help="store a secret of a stack")
    put.add_argument("which", choices=sorted(SECRET_NAMES))
    put.add_argument("file", nargs="?", help="voximplant: the service-account key JSON file")
    where = put.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", help="the deployed stack's name")
    where.add_argument("--prefix", help="the stack's SSM prefix (secrets are <prefix>/<name>)")
    put.add_argument("--region")
    put.add_argument("--aws-endpoint", help="an AWS endpoint URL (the local stack's moto)")


def secret_value(which: str, file: str | None) -> str:
    if which == "voximplant":
        if not file:
            raise SecretsError(
                "voximplant needs the key file: vclient secrets set voximplant KEY.json"
            )
        try:
            text = Path(file).read_text(encoding="utf-8")
            raw = json.loads(text)
        except OSError as exc:
            raise SecretsError(f"{file}: cannot read ({exc.strerror or exc})") from None
        except json.JSONDecodeError as exc:
            raise SecretsError(f"{file}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(raw, dict):
            raise SecretsError(f"{file}: a service-account key file is a JSON object")
        try:
            parse_credentials(raw)
        except ValueError as exc:
            raise SecretsError(f"{file}: {exc}") from None
        return text
    if file:
        raise SecretsError(
            "the OpenAI key is read from stdin, never from the command line: "
            "vclient secrets set openai --stack NAME < key.txt"
        )
    key = (
        getpass.getpass("OpenAI API key (hidden): ") if sys.stdin.isatty() else sys.stdin.readline()
    ).strip()
    if not key:
        raise SecretsError("no OpenAI key on stdin")
    if any(c.isspace() for c in key):
        raise SecretsError("the OpenAI key on stdin contains spaces: pipe only the key")
    return json.dumps({"api_key": key})


def secret_id(args: Any, which: str) -> tuple[Any, str]:
    import botocore.exceptions

    session, kwargs = aws_session(args.region, args.aws_endpoint)
    try:
        client = session.client("secretsmanager", **kwargs)
        if args.prefix:
            return client, f"{args.prefix.rstrip('/')}/{SECRET_NAMES[which]}"
        stack = session.client("cloudformation", **kwargs).describe_stacks(StackName=args.stack)
    except botocore.exceptions.NoRegionError:
        raise SecretsError("no AWS region: pass --region or set AWS_REGION") from None
    except botocore.exceptions.NoCredentialsError:
        raise SecretsError("no AWS credentials (aws configure, or AWS_PROFILE)") from None
    except botocore.exceptions.ClientError as exc:
        message = exc.response.get("Error", {}).get("Message", str(exc))
        raise SecretsError(f"stack {args.stack}: {message}") from None
    except botocore.exceptions.BotoCoreError as exc:
        raise SecretsError(f"AWS unreachable: {exc}") from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Stacks"][0].get("Outputs", [])}
    return client, outputs.get(OUTPUTS[which]) or f"/{args.stack}/{SECRET_NAMES[which]}"


def main(args: Any) -> int:
    import botocore.exceptions

    try:
        value = secret_value(args.which, args.file)
        client, name = secret_id(args, args.which)
        client.put_secret_value(SecretId=name, SecretString=value)
    except (SecretsError, DoctorError) as exc:
        print(f"secrets set {args.which}: {exc}", file=sys.stderr)
        return 1
    except botocore.exceptions.ClientError as exc:
        error = exc.response.get("Error", {})
        print(
            f"secrets set {args.which}: AWS refused ({error.get('Code')}: {error.get('Message')})",
            file=sys.stderr,
        )
        return 1
    except botocore.exceptions.BotoCoreError as exc:
        print(f"secrets set {args.which}: AWS unreachable ({exc})", file=sys.stderr)
        return 1
    short = name.rsplit(":", 1)[-1] if name.startswith("arn:") else name
    print(f"Stored the {args.which} secret in {short} (value not shown).")
    if args.which == "voximplant":
        print("The stack reads it within 5 minutes (SECRET_MAX_AGE_S); check with vclient doctor.")
    return 0
