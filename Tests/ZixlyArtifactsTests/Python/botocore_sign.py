"""Signs a request with botocore's own SigV4 signer at a fixed time, for comparison with Zixly's.

    python botocore_sign.py header METHOD URL BODY TIMESTAMP(YYYYmmddTHHMMSSZ) REGION [HEADER=VALUE ...]
    python botocore_sign.py presign METHOD URL EXPIRES TIMESTAMP REGION

Credentials are AWS's documentation example keys. Prints the Authorization header or the URL.
"""
import datetime
import sys
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def at(timestamp):
    moment = datetime.datetime.strptime(timestamp, "%Y%m%dT%H%M%SZ")
    return mock.patch.object(botocore.auth, "get_current_datetime", return_value=moment)


def header(method, url, body, timestamp, region, *pairs):
    headers = dict(pair.split("=", 1) for pair in pairs)
    request = AWSRequest(method=method, url=url, headers=headers, data=body.encode())  # botocore hashes the body itself
    with at(timestamp):
        botocore.auth.S3SigV4Auth(credentials, "s3", region).add_auth(request)
    print(request.headers["Authorization"])


def presign(method, url, expires, timestamp, region):
    request = AWSRequest(method=method, url=url)
    with at(timestamp):
        botocore.auth.S3SigV4QueryAuth(credentials, "s3", region, expires=int(expires)).add_auth(request)
    print(request.url)


if __name__ == "__main__":
    {"header": header, "presign": presign}[sys.argv[1]](*sys.argv[2:])
