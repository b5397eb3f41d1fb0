"""Creates an IAM user with full S3 access on a moto server started with
INITIAL_NO_AUTH_ACTION_COUNT=3 (these three calls are the unauthenticated ones; every later request
must be signed with real credentials, and moto then verifies SigV4 signatures).

    python moto_iam_user.py ENDPOINT   -> {"access_key_id": ..., "secret_access_key": ...}
"""
import json, sys
import botocore.session
endpoint = sys.argv[1]
session = botocore.session.get_session()
iam = session.create_client("iam", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="zixly")
key = iam.create_access_key(UserName="zixly")["AccessKey"]
iam.put_user_policy(UserName="zixly", PolicyName="s3", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
print(json.dumps({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}))
